"""Implementation of tools/run-qemu (split out to keep each file short)."""
