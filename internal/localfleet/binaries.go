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
package localfleet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"kurator.dev/kurator/internal/version"
)

// Component binaries of the local fleet.
const (
	ClusterBinary           = "kurator-cluster"
	ControllerManagerBinary = "kurator-controller-manager"
	AgentBinary             = "kurator-agent"
	modulePath              = "kurator.dev/kurator"
)

// EnvBinDir names a directory holding prebuilt component binaries.
const EnvBinDir = "KURATOR_BIN_DIR"

// Binaries locates or builds the component binaries.
type Binaries struct {
	// BuildDir receives binaries built from source.
	BuildDir string
	// Progress, if set, is told when a build starts (it can take minutes).
	Progress func(msg string)
}

// Resolve returns the path of a component binary. It looks in $KURATOR_BIN_DIR,
// next to the running executable, then builds from the source tree when
// running inside it (go run, go test), then searches $PATH.
func (b Binaries) Resolve(ctx context.Context, name string) (string, error) {
	if dir := os.Getenv(EnvBinDir); dir != "" {
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, nil
		}
		return "", fmt.Errorf("%s is not in $%s (%s); build it with 'make build'", name, EnvBinDir, dir)
	}
	if exe, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(exe), name); isExecutable(p) {
			return p, nil
		}
	}
	if root, ok := sourceRoot(); ok {
		return b.build(ctx, root, name)
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("cannot find %s: put it next to the kurator binary or on $PATH (from a source checkout: 'make build')", name)
}

func (b Binaries) build(ctx context.Context, root, name string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building %s from %s needs the Go toolchain on $PATH: %w", name, root, err)
	}
	out := filepath.Join(b.BuildDir, name)
	if err := os.MkdirAll(b.BuildDir, 0o755); err != nil {
		return "", err
	}
	if b.Progress != nil {
		b.Progress(fmt.Sprintf("building %s from source (the first build takes several minutes)", name))
	}
	ldflags := "-X " + modulePath + "/internal/version.Version=" + version.Version
	if name == ClusterBinary {
		ldflags += " " + version.KubeLDFlags()
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-ldflags", ldflags, "-o", out, "./cmd/"+name)
	cmd.Dir = root
	// Static, as make build and the image build them.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/%s failed: %w\n%s", name, err, output)
	}
	return out, nil
}

// SourceRoot finds the Kurator source tree above the working directory.
func sourceRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if isKuratorModule(filepath.Join(dir, "go.mod")) {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func isKuratorModule(goMod string) bool {
	f, err := os.Open(goMod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); strings.HasPrefix(line, "module ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "module ")) == modulePath
		}
	}
	return false
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// errNotRunning marks operations that need a running fleet.
var errNotRunning = errors.New("the local fleet is not running")
