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
// Package render turns a resource template into the manifest one member
// Package pprof serves Go's profiling endpoints from a Kurator process when
// the developer asks for it, so the local fleet can be profiled under load.
package pprof

import (
	"fmt"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"path/filepath"
	"time"
)

// DirEnv names a directory. When it is set, ServeFromEnv serves
// /debug/pprof/ on a free loopback port and writes that address to
// <dir>/<name>.addr. It is off by default: profiles expose memory contents.
const DirEnv = "KURATOR_PPROF_DIR"

// ServeFromEnv starts the profiling server if DirEnv is set; name tells
// the processes of a fleet apart. extra adds handlers, such as /metrics.
func ServeFromEnv(name string, extra map[string]http.Handler) error {
	dir := os.Getenv(DirEnv)
	if dir == "" {
		return nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".addr"), []byte(l.Addr().String()), 0o600); err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", httppprof.Index)
	mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", httppprof.Trace)
	for path, h := range extra {
		mux.Handle(path, h)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return nil
}
