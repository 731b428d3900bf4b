"""Value types shared by every stage: plain frozen data, no I/O."""
