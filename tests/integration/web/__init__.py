"""Every route at once: security headers, CSRF, XSS, scoping, logs, the page cache, the PWA shell."""
