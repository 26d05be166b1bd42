// For each control, in page order: scroll it into view as Playwright's scrollIntoViewIfNeeded
// does (centred, through every scrolling ancestor), then check that it lies inside the
// viewport horizontally and that the element at its centre is it or inside it.
// Returns the problems found and how many controls there were.
() => {
    const selector =
        'button, a[href], input, select, textarea, [role="button"], [role="tab"], [role="combobox"]'
    const shown = (el) => {
        if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false
        const box = el.getBoundingClientRect()
        if (box.width <= 1 || box.height <= 1) return false  // visually hidden helpers
        return !el.closest('.skip-link, .p-hidden-accessible, [aria-hidden="true"]')
    }
    const name = (el) => {
        const label = el.getAttribute('aria-label') || el.textContent.trim() || el.getAttribute('placeholder') || ''
        return `${el.tagName.toLowerCase()} "${label.slice(0, 40)}"`
    }
    const problems = []
    for (const el of document.querySelectorAll(selector)) {
        if (!shown(el)) continue
        el.scrollIntoView({ block: 'center', inline: 'center' })
        const box = el.getBoundingClientRect()
        const x = box.left + box.width / 2
        const y = box.top + box.height / 2
        if (box.left < -1 || box.right > innerWidth + 1) {
            problems.push(`${name(el)} is cut off: x ${Math.round(box.left)}..${Math.round(box.right)} of ${innerWidth}`)
            continue
        }
        const hit = document.elementFromPoint(x, y)
        if (!hit || !(hit === el || el.contains(hit) || hit.contains(el) && hit.closest('label') === hit)) {
            const by = hit ? `${hit.tagName.toLowerCase()}.${[...hit.classList].join('.')}` : 'nothing'
            problems.push(`${name(el)} is covered by ${by}`)
        }
    }
    // What makes the page wider than the screen: elements sticking out of a parent that
    // neither clips nor scrolls them.
    if (document.documentElement.scrollWidth > innerWidth) {
        window.scrollTo(0, 0)
        for (const el of document.body.querySelectorAll('*')) {
            const parent = el.parentElement
            if (!parent || el.getBoundingClientRect().right <= innerWidth + 1) continue
            if (parent.getBoundingClientRect().right > innerWidth + 1) continue
            if (getComputedStyle(parent).overflowX !== 'visible') continue
            problems.push(`${name(el)}.${[...el.classList].join('.')} sticks out to ${Math.round(el.getBoundingClientRect().right)} px`)
        }
    }
    return { problems, checked: document.querySelectorAll(selector).length }
}
