// The Tracking module; see the package notes for what it owns.
