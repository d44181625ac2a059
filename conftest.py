"""Root conftest: puts the repository on ``sys.path`` so ``pytest`` runs from any directory."""
