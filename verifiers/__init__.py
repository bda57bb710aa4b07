"""Answer extraction and typed, symbolic comparison."""
