// A file, not an inline script, so the page's Content-Security-Policy can refuse inline code. Everything comes from
// this broker: the document, the assets, and no call to the public validator badge service.
window.ui = SwaggerUIBundle({
  url: "/openapi.yml",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
