// The Audio module; see the package notes for what it owns.
