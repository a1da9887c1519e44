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

// Package image_test builds the image from the real binaries of 'make build'
// and runs the binaries it holds.
package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"kurator.dev/kurator/internal/image"
	"kurator.dev/kurator/internal/version"
)

// envBinDir names the directory of the binaries 'make build' wrote; the
// Makefile's test target sets it.
const envBinDir = "KURATOR_BIN_DIR"

// stampedVersion is the Version 'make build' linked into the binary at path,
// read from the -ldflags its build info records; the default if unstamped.
func stampedVersion(t *testing.T, path string) string {
	t.Helper()
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the build info of %s: %v", path, err)
	}
	stamp := regexp.MustCompile(`-X[ =]kurator\.dev/kurator/internal/version\.Version=(\S+)`)
	for _, s := range info.Settings {
		if s.Key == "-ldflags" {
			if m := stamp.FindStringSubmatch(s.Value); m != nil {
				return m[1]
			}
		}
	}
	return version.Version
}

func TestImageOfTheBuiltBinaries(t *testing.T) {
	binDir := os.Getenv(envBinDir)
	if binDir == "" {
		t.Fatalf("$%s is not set: run this test through 'make test', or 'make build' and set %s=$PWD/bin",
			envBinDir, envBinDir)
	}
	wantVersion := stampedVersion(t, filepath.Join(binDir, "kurator"))

	work := t.TempDir()
	archive := filepath.Join(work, "kurator-image.tar")
	res, err := image.Build(image.Options{
		BinDir:     binDir,
		Repository: image.DefaultRepository,
		Tag:        wantVersion,
	}, archive)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s %s, %d bytes", res.Reference, res.Digest, res.Size)

	img := openLayout(t, archive, filepath.Join(work, "layout"), res.Digest)
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Config.Entrypoint, []string{"/usr/local/bin/kurator"}) || cfg.Config.User != "65532:65532" {
		t.Errorf("entrypoint %q as user %q, want /usr/local/bin/kurator as 65532:65532", cfg.Config.Entrypoint, cfg.Config.User)
	}
	if got := cfg.Config.Labels["org.opencontainers.image.version"]; got != wantVersion {
		t.Errorf("version label = %q, want %q", got, wantVersion)
	}

	extracted := filepath.Join(work, "rootfs")
	extractBinaries(t, img, binDir, extracted)
	wantOutput := map[string]string{
		"kurator":                    "kurator " + wantVersion + "\n",
		"kurator-controller-manager": "kurator-controller-manager " + wantVersion + "\n",
		"kurator-agent":              "kurator-agent " + wantVersion + "\n",
		"kurator-cluster":            "kurator-cluster " + wantVersion + " (Kubernetes " + version.KubernetesVersion + ")\n",
	}
	for _, name := range image.Binaries {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, filepath.Join(extracted, name), "--version")
		// Like in the image: nothing to find on the host.
		cmd.Env = []string{"PATH=/nonexistent", "HOME=" + work}
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		if err != nil {
			t.Errorf("%s --version from the image: %v\n%s", name, err, stderr.String())
			continue
		}
		if stdout.String() != wantOutput[name] {
			t.Errorf("%s --version printed %q, want %q", name, stdout.String(), wantOutput[name])
		}
	}
}

// openLayout unpacks the archive, as 'tar -x' before 'crane push' would, and
// opens the image it holds.
func openLayout(t *testing.T, archive, dir string, digest v1.Hash) v1.Image {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := untar(f, dir); err != nil {
		t.Fatalf("unpacking %s: %v", archive, err)
	}
	index, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatalf("the archive is not an OCI layout: %v", err)
	}
	manifest, err := index.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(manifest.Manifests) != 1 || manifest.Manifests[0].Digest != digest {
		t.Fatalf("index.json lists %v, want only %s", manifest.Manifests, digest)
	}
	if got := manifest.Manifests[0].Annotations[image.RefNameAnnotation]; got == "" {
		t.Errorf("the image has no %s annotation", image.RefNameAnnotation)
	}
	img, err := index.Image(digest)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("the image has %d layers, want 1", len(layers))
	}
	return img
}

// extractBinaries copies /usr/local/bin/* of the image's layer into dir,
// checking each is executable by everyone and is the file of binDir.
func extractBinaries(t *testing.T, img v1.Image, binDir, dir string) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(hdr.Name, "usr/local/bin/")
		if !ok || name == "" {
			continue
		}
		if hdr.Mode != 0o755 || hdr.Uid != 0 || hdr.Gid != 0 {
			t.Errorf("%s has mode %o owned by %d:%d, want 755 owned by root", hdr.Name, hdr.Mode, hdr.Uid, hdr.Gid)
		}
		sum := copyOut(t, tr, filepath.Join(dir, name))
		if want := fileSum(t, filepath.Join(binDir, name)); !bytes.Equal(sum, want) {
			t.Errorf("%s in the image differs from %s", hdr.Name, filepath.Join(binDir, name))
		}
		found[name] = true
	}
	for _, name := range image.Binaries {
		if !found[name] {
			t.Errorf("the image has no /usr/local/bin/%s", name)
		}
	}
}

func copyOut(t *testing.T, r io.Reader, path string) []byte {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), r); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}

func fileSum(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}

func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if !filepath.IsLocal(hdr.Name) {
			return errors.New("entry " + hdr.Name + " leaves the directory")
		}
		path := filepath.Join(dir, hdr.Name)
		if hdr.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(path, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		_, copyErr := io.Copy(f, tr)
		if err := errors.Join(copyErr, f.Close()); err != nil {
			return err
		}
	}
}
