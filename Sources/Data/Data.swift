// The Data module; see the package notes for what it owns.
