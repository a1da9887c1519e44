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
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

const (
	// UID and GID of the kurator user the image runs as. 65532 is the
	// customary "nonroot" ID of base-less images, so volume permissions set
	// up for those work here too.
	UID = 65532
	GID = 65532
	// nobodyID is the overflow ID Linux reports for unmapped owners.
	nobodyID = 65534

	// BinDir is where the binaries are installed in the image.
	BinDir = "/usr/local/bin"
	// DataDir is the kurator user's home and working directory, writable
	// through a volume when the root filesystem is read-only.
	DataDir = "/var/lib/kurator"
)

// Binaries are the files of the image's binary directory, all required.
var Binaries = []string{"kurator", "kurator-controller-manager", "kurator-cluster", "kurator-agent"}

// epoch is the time stamp of every file and of the image itself: with
// nothing in the image depending on when it was built, the same binaries
// always give the same digest.
var epoch = time.Unix(0, 0).UTC()

// layerEntry is one file or directory of the layer; exactly one of source
// (a file on disk) and content is set for a regular file.
type layerEntry struct {
	name     string
	dir      bool
	mode     int64
	uid, gid int
	source   string
	content  string
}

// layerEntries lists the image's single layer in order, parents first.
func layerEntries(binDir string) []layerEntry {
	passwd := "root:x:0:0:root:/root:/sbin/nologin\n" +
		"kurator:x:" + strconv.Itoa(UID) + ":" + strconv.Itoa(GID) + ":kurator:" + DataDir + ":/sbin/nologin\n" +
		"nobody:x:" + strconv.Itoa(nobodyID) + ":" + strconv.Itoa(nobodyID) + ":nobody:/nonexistent:/sbin/nologin\n"
	group := "root:x:0:\n" +
		"kurator:x:" + strconv.Itoa(GID) + ":\n" +
		"nobody:x:" + strconv.Itoa(nobodyID) + ":\n"
	entries := []layerEntry{
		{name: "etc", dir: true, mode: 0o755},
		{name: "etc/group", mode: 0o644, content: group},
		{name: "etc/passwd", mode: 0o644, content: passwd},
		// /tmp is world-writable with the sticky bit, as programs expect.
		{name: "tmp", dir: true, mode: 0o1777},
		{name: "usr", dir: true, mode: 0o755},
		{name: "usr/local", dir: true, mode: 0o755},
		{name: "usr/local/bin", dir: true, mode: 0o755},
	}
	// Sorted like the rest, so the layer lists paths in lexical order.
	for _, name := range slices.Sorted(slices.Values(Binaries)) {
		entries = append(entries, layerEntry{name: "usr/local/bin/" + name, mode: 0o755, source: filepath.Join(binDir, name)})
	}
	return append(entries,
		layerEntry{name: "var", dir: true, mode: 0o755},
		layerEntry{name: "var/lib", dir: true, mode: 0o755},
		layerEntry{name: "var/lib/kurator", dir: true, mode: 0o755, uid: UID, gid: GID},
	)
}

// writeLayer writes the gzip-compressed layer tar to path. Compressing here,
// once, lets the layer be hashed and copied without compressing it again;
// BestSpeed because the binaries are large and compress poorly anyway.
func writeLayer(path string, entries []layerEntry) (err error) {
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating the layer: %w", err)
	}
	defer func() {
		if closeErr := out.Close(); err == nil && closeErr != nil {
			err = fmt.Errorf("writing the layer: %w", closeErr)
		}
	}()
	// A zero gzip header (no name, no time) keeps the output reproducible.
	zw, err := gzip.NewWriterLevel(out, gzip.BestSpeed)
	if err != nil {
		return fmt.Errorf("compressing the layer: %w", err)
	}
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		if err := writeEntry(tw, e); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing the layer: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compressing the layer: %w", err)
	}
	return nil
}

func writeEntry(tw *tar.Writer, e layerEntry) error {
	hdr := &tar.Header{
		Name:    e.name,
		Mode:    e.mode,
		Uid:     e.uid,
		Gid:     e.gid,
		ModTime: epoch,
	}
	if e.dir {
		hdr.Typeflag = tar.TypeDir
		hdr.Name += "/"
		return writeHeader(tw, hdr)
	}
	hdr.Typeflag = tar.TypeReg
	if e.source == "" {
		hdr.Size = int64(len(e.content))
		if err := writeHeader(tw, hdr); err != nil {
			return err
		}
		if _, err := io.WriteString(tw, e.content); err != nil {
			return fmt.Errorf("writing %s into the layer: %w", e.name, err)
		}
		return nil
	}
	f, err := os.Open(e.source)
	if err != nil {
		return fmt.Errorf("opening %s: %w", e.source, err)
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading %s: %w", e.source, err)
	}
	hdr.Size = info.Size()
	if err := writeHeader(tw, hdr); err != nil {
		return err
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("copying %s into the layer: %w", e.source, err)
	}
	return nil
}

func writeHeader(tw *tar.Writer, hdr *tar.Header) error {
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing %s into the layer: %w", hdr.Name, err)
	}
	return nil
}
