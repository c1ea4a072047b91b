"""What every scenario uses: the browser, axe-core, pages, forms and signing in."""
