-- One database per service (DESIGN.md); each service migrates its own at start-up.
CREATE DATABASE b4g_issuer;
CREATE DATABASE b4g_verifier;
CREATE DATABASE b4g_registry;
