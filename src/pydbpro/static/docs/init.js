// Kept in a file, not inline, so the strict Content-Security-Policy holds on /docs too.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
