"""What the importers (Nessus, CycloneDX, OpenLineage) share: matching observed assets by identifier."""
