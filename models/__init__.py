"""Model backends behind one small async interface."""
