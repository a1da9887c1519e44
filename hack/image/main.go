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

// Command image builds the OCI image of Kurator's binaries as an OCI archive,
// with neither a base image nor a container daemon. "make image" runs it:
//
//	go run ./hack/image -bin-dir bin -out bin/kurator-image.tar
//
// See docs/image.md for what the image holds and how to push it.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"

	"kurator.dev/kurator/internal/image"
	"kurator.dev/kurator/internal/version"
)

func main() {
	binDir := flag.String("bin-dir", "bin", "directory holding kurator, kurator-controller-manager, kurator-cluster and kurator-agent")
	out := flag.String("out", "bin/kurator-image.tar", "path of the OCI archive to write")
	repository := flag.String("repository", image.DefaultRepository, "repository the image is named in")
	tag := flag.String("tag", version.Version, "tag of the image")
	arch := flag.String("arch", runtime.GOARCH, "GOARCH the binaries are built for")
	flag.Parse()

	res, err := image.Build(image.Options{
		BinDir:     *binDir,
		Repository: *repository,
		Tag:        *tag,
		Version:    version.Version,
		Arch:       *arch,
	}, *out)
	if err != nil {
		fmt.Fprintf(os.Stderr, "image: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %s (%s)\ndigest: %s\nsize: %.1f MiB\n",
		*out, res.Reference, res.Platform, res.Digest, float64(res.Size)/(1<<20))
}
