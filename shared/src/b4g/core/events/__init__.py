"""Events that cross service boundaries: CloudEvents 1.0 envelopes, topics, payloads."""
