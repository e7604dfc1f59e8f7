"""Small helpers every stage may use: numerals, atomic writes, text width, compact IRIs.

Each lives in one module here and nowhere else; this package imports nothing from the
pipeline stages, so any stage can depend on it.
"""
