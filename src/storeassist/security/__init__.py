"""Trust on the device: the device credential, staff sign-in, roles, audit trail, PII masking."""
