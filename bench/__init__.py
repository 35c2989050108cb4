"""`make bench`: throughput and latency of the main pages beside a bare Django view."""
