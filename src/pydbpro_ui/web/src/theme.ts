/** PrimeVue's Aura preset with a teal brand colour; bundled, nothing loaded at run time. */
import Aura from '@primeuix/themes/aura'
import { definePreset } from '@primeuix/themes'

export const ThemePreset = definePreset(Aura, {
  semantic: {
    primary: {
      50: '{teal.50}',
      100: '{teal.100}',
      200: '{teal.200}',
      300: '{teal.300}',
      400: '{teal.400}',
      500: '{teal.500}',
      600: '{teal.600}',
      700: '{teal.700}',
      800: '{teal.800}',
      900: '{teal.900}',
      950: '{teal.950}',
    },
    // Aura's light accent (teal 500) is 2.5:1 on white, as text and under a button's white
    // label; teal 700 is 5.5:1 and still the same teal (WCAG AA asks 4.5:1). The dark
    // scheme's teal 400 on near-black already passes.
    colorScheme: {
      light: {
        primary: {
          color: '{primary.700}',
          contrastColor: '#ffffff',
          hoverColor: '{primary.800}',
          activeColor: '{primary.900}',
        },
      },
    },
  },
  // The same for Aura's red (3.8:1 on white as a label or under one): one shade darker.
  components: {
    button: {
      colorScheme: {
        light: {
          root: {
            danger: {
              background: '{red.600}',
              hoverBackground: '{red.700}',
              activeBackground: '{red.800}',
              borderColor: '{red.600}',
              hoverBorderColor: '{red.700}',
              activeBorderColor: '{red.800}',
            },
          },
          outlined: { danger: { color: '{red.600}' } },
          text: { danger: { color: '{red.600}' } },
        },
      },
    },
  },
})
