"""Data files shipped with zhibiao (gazetteer, taxonomy, lexicons)."""
