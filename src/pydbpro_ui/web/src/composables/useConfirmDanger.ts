/**
 * "Are you sure?" before a destructive action (revoke, disable, end sessions...), as a promise:
 * `if (!(await confirm(text, label))) return`. The dialog is App.vue's one ConfirmDialog.
 */
import { useConfirm } from 'primevue/useconfirm'
import { t } from '@/i18n/en'

export function useConfirmDanger(): (message: string, acceptLabel: string) => Promise<boolean> {
  const confirm = useConfirm()
  return (message, acceptLabel) =>
    new Promise((resolve) => {
      confirm.require({
        header: t.confirm.title,
        message,
        icon: 'pi pi-exclamation-triangle',
        acceptProps: { label: acceptLabel, severity: 'danger' },
        rejectProps: { label: t.confirm.cancel, severity: 'secondary', outlined: true },
        accept: () => resolve(true),
        reject: () => resolve(false),
        onHide: () => resolve(false),
      })
    })
}
