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
package image

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func testOptions(binDir string) Options {
	return Options{BinDir: binDir, Repository: "registry.example/kurator", Tag: "v9.8.7"}
}

// openImage reads the only image of the OCI archive back with
// go-containerregistry's layout package, as skopeo and crane would.
func openImage(t *testing.T, archive string) (v1.Descriptor, v1.Image) {
	t.Helper()
	index, err := layout.ImageIndexFromPath(untar(t, archive))
	if err != nil {
		t.Fatalf("the archive is not an OCI layout: %v", err)
	}
	manifest, err := index.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(manifest.Manifests) != 1 {
		t.Fatalf("index.json lists %d manifests, want 1", len(manifest.Manifests))
	}
	desc := manifest.Manifests[0]
	img, err := index.Image(desc.Digest)
	if err != nil {
		t.Fatal(err)
	}
	return desc, img
}

// layerFiles reads every entry of the image's only layer.
func layerFiles(t *testing.T, img v1.Image) (map[string]*tar.Header, map[string][]byte, []string) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("the image has %d layers, want 1", len(layers))
	}
	if mt, err := layers[0].MediaType(); err != nil || mt != types.OCILayer {
		t.Fatalf("layer media type = %q (%v), want %q", mt, err, types.OCILayer)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	headers, contents := map[string]*tar.Header{}, map[string][]byte{}
	var order []string
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return headers, contents, order
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		headers[hdr.Name], contents[hdr.Name] = hdr, data
		order = append(order, hdr.Name)
	}
}

func TestBuildWritesAnOCIArchiveOfTheBinaries(t *testing.T) {
	binDir := staticBinDir(t)
	out := filepath.Join(t.TempDir(), "kurator-image.tar")
	res, err := Build(testOptions(binDir), out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reference != "registry.example/kurator:v9.8.7" || res.Platform != "linux/"+runtime.GOARCH {
		t.Errorf("result names %s for %s", res.Reference, res.Platform)
	}
	if info, err := os.Stat(out); err != nil || info.Size() != res.Size {
		t.Errorf("archive stat = %v, %v; result size %d", info, err, res.Size)
	}

	desc, img := openImage(t, out)
	if err := validate.Image(img); err != nil {
		t.Fatalf("the image does not validate: %v", err)
	}
	if desc.Digest != res.Digest {
		t.Errorf("index.json points at %s, Build reported %s", desc.Digest, res.Digest)
	}
	if desc.MediaType != types.OCIManifestSchema1 {
		t.Errorf("manifest media type = %s, want %s", desc.MediaType, types.OCIManifestSchema1)
	}
	if got := desc.Annotations[RefNameAnnotation]; got != "v9.8.7" {
		t.Errorf("ref.name annotation = %q, want the tag", got)
	}
	if desc.Platform == nil || desc.Platform.OS != "linux" || desc.Platform.Architecture != runtime.GOARCH {
		t.Errorf("index platform = %v, want linux/%s", desc.Platform, runtime.GOARCH)
	}

	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH || !cfg.Created.Equal(epoch) {
		t.Errorf("config platform %s/%s created %v", cfg.OS, cfg.Architecture, cfg.Created)
	}
	wantConfig := v1.Config{
		User:       "65532:65532",
		Entrypoint: []string{"/usr/local/bin/kurator"},
		Env:        []string{"PATH=/usr/local/bin:/usr/bin:/bin"},
		WorkingDir: "/var/lib/kurator",
		Labels: map[string]string{
			"org.opencontainers.image.title":    "kurator",
			"org.opencontainers.image.version":  "v9.8.7",
			"org.opencontainers.image.source":   DefaultSource,
			"org.opencontainers.image.licenses": "Apache-2.0",
		},
	}
	if diff := cmp.Diff(wantConfig, cfg.Config); diff != "" {
		t.Errorf("runtime config (-want +got):\n%s", diff)
	}

	headers, contents, order := layerFiles(t, img)
	type entry struct {
		typ      byte
		mode     string // octal, for a readable diff
		uid, gid int
	}
	want := map[string]entry{
		"etc/":                  {tar.TypeDir, "755", 0, 0},
		"etc/group":             {tar.TypeReg, "644", 0, 0},
		"etc/passwd":            {tar.TypeReg, "644", 0, 0},
		"tmp/":                  {tar.TypeDir, "1777", 0, 0},
		"usr/":                  {tar.TypeDir, "755", 0, 0},
		"usr/local/":            {tar.TypeDir, "755", 0, 0},
		"usr/local/bin/":        {tar.TypeDir, "755", 0, 0},
		"usr/local/bin/kurator": {tar.TypeReg, "755", 0, 0},
		"usr/local/bin/kurator-controller-manager": {tar.TypeReg, "755", 0, 0},
		"usr/local/bin/kurator-cluster":            {tar.TypeReg, "755", 0, 0},
		"usr/local/bin/kurator-agent":              {tar.TypeReg, "755", 0, 0},
		"var/":                                     {tar.TypeDir, "755", 0, 0},
		"var/lib/":                                 {tar.TypeDir, "755", 0, 0},
		"var/lib/kurator/":                         {tar.TypeDir, "755", 65532, 65532},
	}
	got := map[string]entry{}
	for name, hdr := range headers {
		got[name] = entry{hdr.Typeflag, strconv.FormatInt(hdr.Mode, 8), hdr.Uid, hdr.Gid}
		if !hdr.ModTime.Equal(epoch) {
			t.Errorf("%s has mtime %v, want the fixed %v", name, hdr.ModTime, epoch)
		}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(entry{})); diff != "" {
		t.Errorf("layer entries (-want +got):\n%s", diff)
	}
	// Lexical order puts parents before their children, as extractors expect.
	if !slices.IsSorted(order) {
		t.Errorf("layer entries out of order: %v", order)
	}
	for _, name := range Binaries {
		onDisk, err := os.ReadFile(filepath.Join(binDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(contents["usr/local/bin/"+name], onDisk) {
			t.Errorf("usr/local/bin/%s differs from %s in the bin directory", name, name)
		}
	}
	passwd, group := string(contents["etc/passwd"]), string(contents["etc/group"])
	for _, line := range []string{"kurator:x:65532:65532:kurator:/var/lib/kurator:/sbin/nologin", "nobody:x:65534:65534:"} {
		if !strings.Contains(passwd, line) {
			t.Errorf("/etc/passwd lacks %q:\n%s", line, passwd)
		}
	}
	for _, line := range []string{"kurator:x:65532:", "nobody:x:65534:"} {
		if !strings.Contains(group, line) {
			t.Errorf("/etc/group lacks %q:\n%s", line, group)
		}
	}
}

func TestBuildIsReproducible(t *testing.T) {
	binDir := staticBinDir(t)
	outDir := t.TempDir()
	first, err := Build(testOptions(binDir), filepath.Join(outDir, "first.tar"))
	if err != nil {
		t.Fatal(err)
	}
	// A later mtime on the inputs must not show in the image.
	later := epoch.AddDate(50, 0, 0)
	for _, name := range Binaries {
		if err := os.Chtimes(filepath.Join(binDir, name), later, later); err != nil {
			t.Fatal(err)
		}
	}
	second, err := Build(testOptions(binDir), filepath.Join(outDir, "second.tar"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Digest != second.Digest {
		t.Errorf("two builds of the same binaries gave %s and %s", first.Digest, second.Digest)
	}
	a, errA := os.ReadFile(filepath.Join(outDir, "first.tar"))
	b, errB := os.ReadFile(filepath.Join(outDir, "second.tar"))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same binaries gave different archives")
	}
	// The work files beside the archive are gone.
	entries, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("the output directory holds %d entries, want the 2 archives", len(entries))
	}
}

// dynamicBinary returns a dynamically linked executable: the test program
// linked by gcc if there is one, else the machine's own shell.
func dynamicBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err == nil {
		return goBuild(t, t.TempDir(), "dynamic", []string{"CGO_ENABLED=1"}, "-ldflags=-linkmode=external")
	}
	sh, err := filepath.EvalSymlinks("/bin/sh")
	if err != nil {
		t.Fatalf("no gcc and no /bin/sh to stand for a dynamic binary: %v", err)
	}
	return sh
}

func TestBuildRejectsADynamicallyLinkedBinary(t *testing.T) {
	binDir := staticBinDir(t)
	dynamic, err := os.ReadFile(dynamicBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(binDir, "kurator-cluster")
	if err := os.WriteFile(target, dynamic, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "image.tar")
	_, err = Build(testOptions(binDir), out)
	if err == nil {
		t.Fatal("Build packaged a dynamically linked binary")
	}
	for _, part := range []string{target, "dynamically linked", "CGO_ENABLED=0"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %q", err, part)
		}
	}
	if _, statErr := os.Stat(out); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("a failed build left %s behind (%v)", out, statErr)
	}
}

func TestBuildRejectsABinaryForAnotherArchitecture(t *testing.T) {
	other := "arm64"
	if runtime.GOARCH == other {
		other = "amd64"
	}
	opts := testOptions(staticBinDir(t))
	opts.Arch = other
	_, err := Build(opts, filepath.Join(t.TempDir(), "image.tar"))
	if err == nil || !strings.Contains(err.Error(), "not linux/"+other) {
		t.Fatalf("Build for %s of %s binaries: err = %v, want an architecture mismatch", other, runtime.GOARCH, err)
	}
}

func TestBuildNeedsEveryBinary(t *testing.T) {
	binDir := staticBinDir(t)
	if err := os.Remove(filepath.Join(binDir, "kurator-controller-manager")); err != nil {
		t.Fatal(err)
	}
	_, err := Build(testOptions(binDir), filepath.Join(t.TempDir(), "image.tar"))
	if err == nil || !strings.Contains(err.Error(), "kurator-controller-manager is missing") {
		t.Fatalf("Build without kurator-controller-manager: err = %v, want it named", err)
	}
}
