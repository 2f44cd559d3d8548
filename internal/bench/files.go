package bench

import "os"

// truncate empties a file, creating it when missing.
func truncate(path string) error {
	return os.WriteFile(path, nil, 0o600)
}
