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
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// archiveDir writes the tree under dir as an uncompressed tar to out, the
// "oci-archive" form of an OCI layout, and returns its size. Entries are in
// lexical order with fixed owners, modes and times, so the archive is as
// reproducible as the image. out is replaced only once complete.
func archiveDir(dir, out string) (size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".kurator-image-*.tar")
	if err != nil {
		return 0, fmt.Errorf("creating the archive: %w", err)
	}
	defer func() {
		_ = tmp.Close()
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	tw := tar.NewWriter(tmp)
	// WalkDir visits entries in lexical order.
	if err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return walkErr
		}
		if path == dir {
			return nil
		}
		return archiveEntry(tw, dir, path, d)
	}); err != nil {
		return 0, fmt.Errorf("archiving the OCI layout: %w", err)
	}
	if err := tw.Close(); err != nil {
		return 0, fmt.Errorf("writing the archive: %w", err)
	}
	info, err := tmp.Stat()
	if err != nil {
		return 0, fmt.Errorf("writing the archive: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return 0, fmt.Errorf("writing the archive: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("writing the archive: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return 0, fmt.Errorf("writing the archive: %w", err)
	}
	return info.Size(), nil
}

func archiveEntry(tw *tar.Writer, root, path string, d fs.DirEntry) error {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: filepath.ToSlash(rel), ModTime: epoch}
	if d.IsDir() {
		hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, hdr.Name+"/", 0o755
		return tw.WriteHeader(hdr)
	}
	if !d.Type().IsRegular() {
		return fmt.Errorf("%s is neither a file nor a directory", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeReg, 0o644, info.Size()
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}
