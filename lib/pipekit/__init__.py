"""pipekit: design GitHub Actions CI/CD pipelines, see their cost, and render hardened workflows."""

__version__ = "0.1.0"
