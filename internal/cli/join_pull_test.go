/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hubKubeconfig writes a kubeconfig of an unreachable control plane: a dry
// run reads its address and CA and nothing else.
func hubKubeconfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hub.kubeconfig")
	// The CA is "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".
	data := `apiVersion: v1
kind: Config
clusters:
- name: hub
  cluster:
    server: https://192.0.2.1:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
contexts:
- name: hub
  context: {cluster: hub, user: admin}
users:
- name: admin
  user: {token: unused}
current-context: hub
`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A dry run prints the agent's objects, with the control plane's address
// and CA from its kubeconfig and no real token, without reaching anything.
func TestJoinPullDryRunPrintsTheChart(t *testing.T) {
	code, out := run(t, "join", "edge-1", "--pull", "--dry-run", "-o", "yaml", "--control-plane-kubeconfig", hubKubeconfig(t))
	if code != 0 {
		t.Fatalf("exit code %d; output:\n%s", code, out)
	}
	for _, want := range []string{
		"kind: Deployment", "type: Recreate", "- --cluster-name=edge-1", "- --control-plane=https://192.0.2.1:6443",
		`token: "<generated>"`, `ca.crt: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, out)
		}
	}

	code, out = run(t, "join", "edge-1", "--pull", "--dry-run", "-o", "yaml", "--control-plane-kubeconfig", hubKubeconfig(t),
		"--control-plane-address", "https://kurator.example.com:443")
	if code != 0 || !strings.Contains(out, "- --control-plane=https://kurator.example.com:443\n") {
		t.Fatalf("--control-plane-address is not the agent's address: exit %d, output:\n%s", code, out)
	}
	code, out = run(t, "join", "edge-1", "--pull", "--dry-run", "--control-plane-kubeconfig", hubKubeconfig(t),
		"--control-plane-address", "http://kurator.example.com")
	if code != 1 || !strings.Contains(out, "is not https://host:port") {
		t.Fatalf("an http address is refused: exit %d, output:\n%s", code, out)
	}
}

// Pull mode's flags are refused without --pull, and -o without --dry-run.
func TestJoinPullFlagsNeedPull(t *testing.T) {
	for name, args := range map[string][]string{
		"dry run without pull":   {"join", "edge", "--kubeconfig", "/dev/null", "--dry-run"},
		"wait without pull":      {"join", "edge", "--kubeconfig", "/dev/null", "--wait", "1m"},
		"output without dry run": {"join", "edge", "--pull", "--kubeconfig", "/dev/null", "-o", "yaml"},
		"pull without member":    {"join", "edge", "--pull"},
		"zero token ttl":         {"join", "edge", "--pull", "--kubeconfig", "/dev/null", "--token-ttl", "0s"},
	} {
		t.Run(name, func(t *testing.T) {
			if code, out := run(t, args...); code != 2 {
				t.Fatalf("exit code %d, want 2; output:\n%s", code, out)
			}
		})
	}
}
