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

// Package image builds the OCI image of Kurator's binaries without a base
// image or a container daemon: one layer with the static binaries, the
// kurator user and the directories it writes to, saved as an OCI archive.
package image

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// DefaultRepository is where Kurator's images are published.
	DefaultRepository = "ghcr.io/kurator-dev/kurator"
	// DefaultSource is the image's org.opencontainers.image.source label.
	DefaultSource = "https://github.com/kurator-dev/kurator"

	// RefNameAnnotation names the image in the OCI layout's index; tools
	// such as skopeo select the image by it ("oci-archive:file:tag").
	RefNameAnnotation = "org.opencontainers.image.ref.name"
	// containerdNameAnnotation carries the full reference, which containerd
	// and docker use to name the image they import from the archive.
	containerdNameAnnotation = "io.containerd.image.name"
)

// Options describe the image to build.
type Options struct {
	// BinDir holds the binaries listed in Binaries.
	BinDir string
	// Repository and Tag name the image, e.g. ghcr.io/kurator-dev/kurator
	// and v0.1.0.
	Repository string
	Tag        string
	// Version is the org.opencontainers.image.version label; Tag if empty.
	Version string
	// Source is the org.opencontainers.image.source label; DefaultSource if
	// empty.
	Source string
	// Arch is the GOARCH the binaries are built for; runtime.GOARCH if empty.
	Arch string
}

// Result describes a written image archive.
type Result struct {
	// Reference is Repository:Tag.
	Reference string
	// Digest is the image manifest's digest, the one a registry reports
	// after a push.
	Digest v1.Hash
	// Platform is the image's os/arch.
	Platform string
	// Size is the size of the archive in bytes.
	Size int64
}

// Build writes the image as an OCI archive (a tar of an OCI image layout:
// oci-layout, index.json and blobs/) to out, replacing it atomically.
func Build(opts Options, out string) (Result, error) {
	if opts.Repository == "" || opts.Tag == "" {
		return Result{}, errors.New("the image needs a repository and a tag")
	}
	if opts.Version == "" {
		opts.Version = opts.Tag
	}
	if opts.Source == "" {
		opts.Source = DefaultSource
	}
	if opts.Arch == "" {
		opts.Arch = runtime.GOARCH
	}
	for _, name := range Binaries {
		if err := checkBinary(filepath.Join(opts.BinDir, name), opts.Arch); err != nil {
			return Result{}, err
		}
	}
	// The work directory is beside out so the final rename stays on one
	// file system.
	work, err := os.MkdirTemp(filepath.Dir(out), ".kurator-image-")
	if err != nil {
		return Result{}, fmt.Errorf("creating a work directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(work) }()

	layerPath := filepath.Join(work, "layer.tar.gz")
	if err := writeLayer(layerPath, layerEntries(opts.BinDir)); err != nil {
		return Result{}, err
	}
	img, err := assemble(opts, layerPath)
	if err != nil {
		return Result{}, err
	}
	digest, err := img.Digest()
	if err != nil {
		return Result{}, fmt.Errorf("computing the image digest: %w", err)
	}

	reference := opts.Repository + ":" + opts.Tag
	layoutDir := filepath.Join(work, "layout")
	lp, err := layout.Write(layoutDir, empty.Index)
	if err != nil {
		return Result{}, fmt.Errorf("creating the OCI layout: %w", err)
	}
	platform := v1.Platform{OS: "linux", Architecture: opts.Arch}
	if err := lp.AppendImage(img, layout.WithPlatform(platform), layout.WithAnnotations(map[string]string{
		RefNameAnnotation:        opts.Tag,
		containerdNameAnnotation: reference,
	})); err != nil {
		return Result{}, fmt.Errorf("writing the image into the OCI layout: %w", err)
	}
	size, err := archiveDir(layoutDir, out)
	if err != nil {
		return Result{}, err
	}
	return Result{Reference: reference, Digest: digest, Platform: platform.String(), Size: size}, nil
}

// assemble builds the image from nothing: OCI media types, the runtime
// configuration and the one layer at layerPath (already compressed).
func assemble(opts Options, layerPath string) (v1.Image, error) {
	layer, err := tarball.LayerFromFile(layerPath, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("reading the layer: %w", err)
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	created := v1.Time{Time: epoch}
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: opts.Arch,
		OS:           "linux",
		Created:      created,
		RootFS:       v1.RootFS{Type: "layers"},
		Config: v1.Config{
			User:       fmt.Sprintf("%d:%d", UID, GID),
			Entrypoint: []string{BinDir + "/kurator"},
			Env:        []string{"PATH=" + BinDir + ":/usr/bin:/bin"},
			WorkingDir: DataDir,
			Labels: map[string]string{
				"org.opencontainers.image.title":    "kurator",
				"org.opencontainers.image.version":  opts.Version,
				"org.opencontainers.image.source":   opts.Source,
				"org.opencontainers.image.licenses": "Apache-2.0",
			},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("setting the image configuration: %w", err)
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History: v1.History{
			Created:   created,
			CreatedBy: "kurator hack/image: " + BinDir + "/{" + strings.Join(Binaries, ",") + "}",
			Comment:   "static binaries, no base image",
		},
	})
	if err != nil {
		return nil, fmt.Errorf("adding the layer: %w", err)
	}
	return img, nil
}
