import { createApp } from 'vue'
import { createPinia } from 'pinia'
import PrimeVue from 'primevue/config'
import ToastService from 'primevue/toastservice'
import ConfirmationService from 'primevue/confirmationservice'
import Tooltip from 'primevue/tooltip'
import 'primeicons/primeicons.css'
import './styles/base.css'
import App from './App.vue'
import { makeRouter } from './router'
import { setUnauthorizedHandler } from './api/client'
import { useSessionStore } from './stores/session'
import { useCatalogStore } from './stores/catalog'
import { useConfigStore } from './stores/config'
import { useThemeStore } from './stores/theme'
import { ThemePreset } from './theme'
import { DARK_CLASS } from './stores/theme'

const app = createApp(App)
const pinia = createPinia()
const router = makeRouter()
app.use(pinia)
app.use(router)
app.use(PrimeVue, {
  theme: {
    preset: ThemePreset,
    options: { darkModeSelector: `.${DARK_CLASS}`, cssLayer: false },
  },
})
app.use(ToastService)
app.use(ConfirmationService)
app.directive('tooltip', Tooltip)

// The one place an expired session is handled: any API call answering 401 (other than the
// login form's) forgets the user and goes to the login page, which brings them back here.
let redirecting = false
setUnauthorizedHandler(() => {
  const current = router.currentRoute.value
  if (redirecting || current.name === 'login') return
  redirecting = true
  useSessionStore().forget()
  useCatalogStore().reset()
  void useConfigStore().load(true)
  void router
    .replace({ name: 'login', query: { next: current.fullPath, expired: '1' } })
    .finally(() => {
      redirecting = false
    })
})

const theme = useThemeStore()
void useConfigStore()
  .load()
  .then(() => theme.setDefault(useConfigStore().config.theme))

app.mount('#app')
