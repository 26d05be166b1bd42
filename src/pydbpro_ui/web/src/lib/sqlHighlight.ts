/**
 * SQL colours for the console's editor, from CSS variables (styles/base.css) so they read on
 * the light and the dark editor alike: CodeMirror's default style is made for white (its
 * purple keywords are 1.9:1 on the dark editor, WCAG asks 4.5:1).
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { tags } from '@lezer/highlight'

export const sqlHighlighting = syntaxHighlighting(
  HighlightStyle.define([
    { tag: tags.keyword, color: 'var(--app-code-keyword)' },
    { tag: [tags.typeName, tags.standard(tags.name)], color: 'var(--app-code-type)' },
    { tag: [tags.bool, tags.null, tags.atom], color: 'var(--app-code-atom)' },
    { tag: tags.number, color: 'var(--app-code-number)' },
    { tag: [tags.string, tags.special(tags.string)], color: 'var(--app-code-string)' },
    { tag: tags.special(tags.name), color: 'var(--app-code-atom)' },
    { tag: tags.comment, color: 'var(--app-code-comment)', fontStyle: 'italic' },
    { tag: tags.invalid, color: 'var(--app-code-invalid)' },
  ]),
)
