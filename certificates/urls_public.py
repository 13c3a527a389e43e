"""Public, language-neutral routes (verification links printed on PDFs)."""

urlpatterns: list = []
