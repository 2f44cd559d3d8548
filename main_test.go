package main

import (
	"os"
	"testing"
)

var quietVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_REALTIME"}

// clearLogEnv unsets every logging variable for one test (t.Setenv restores
// them afterwards).
func clearLogEnv(t *testing.T) {
	for _, name := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, quietVars...) {
		t.Setenv(name, "")
		if err := os.Unsetenv(name); err != nil {
			t.Fatal(err)
		}
	}
}

func TestQuietLogsUnlessAsked_offByDefault(t *testing.T) {
	clearLogEnv(t)
	t.Setenv("TF_LOG_SDK_PROTO", "debug")
	quietLogsUnlessAsked()
	for _, name := range quietVars {
		want := "off"
		if name == "TF_LOG_SDK_PROTO" {
			want = "debug" // set by the user: kept
		}
		if got := os.Getenv(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestQuietLogsUnlessAsked_keepsAskedForLogs(t *testing.T) {
	for _, asked := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		t.Run(asked, func(t *testing.T) {
			clearLogEnv(t)
			t.Setenv(asked, "TRACE")
			quietLogsUnlessAsked()
			for _, name := range quietVars {
				if v, set := os.LookupEnv(name); set {
					t.Errorf("%s set to %q although %s asked for logs", name, v, asked)
				}
			}
		})
	}
}
