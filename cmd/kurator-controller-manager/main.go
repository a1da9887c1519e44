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
// Command kurator-controller-manager runs Kurator's controllers against the
// control plane.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"kurator.dev/kurator/internal/manager"
	"kurator.dev/kurator/internal/pprof"
	"kurator.dev/kurator/internal/version"
)

func main() {
	// A FlagSet of our own: controller-runtime registers --kubeconfig on the
	// global one.
	fs := flag.NewFlagSet("kurator-controller-manager", flag.ExitOnError)
	var opts manager.Options
	opts.AddFlags(fs)
	klog.InitFlags(fs)
	printVersion := fs.Bool("version", false, "print the version and exit")
	_ = fs.Parse(os.Args[1:])
	if *printVersion {
		fmt.Printf("kurator-controller-manager %s\n", version.Version)
		return
	}
	ctrl.SetLogger(klog.Background())
	if err := pprof.ServeFromEnv("controller-manager", map[string]http.Handler{
		"/metrics": promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{}),
	}); err != nil {
		fmt.Fprintf(os.Stderr, "kurator-controller-manager: %v\n", err)
		os.Exit(1)
	}
	mgr, err := manager.New(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kurator-controller-manager: %v\n", err)
		os.Exit(1)
	}
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		klog.Background().Error(err, "Manager stopped")
		os.Exit(1)
	}
}
