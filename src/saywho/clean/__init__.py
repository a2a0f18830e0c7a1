"""Clean: RawDocument -> Document (main text, title, metadata, repaired words)."""
