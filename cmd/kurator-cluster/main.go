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
// Command kurator-cluster runs one local Kubernetes cluster (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and simulated nodes)
// in a single process. The local fleet launcher starts one per cluster; it is
// not meant to be run by hand.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/klog/v2"

	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/localcluster/server"
	"kurator.dev/kurator/internal/pprof"
	"kurator.dev/kurator/internal/version"
)

func main() {
	configPath := flag.String("config", "", "path of a cluster configuration written by the launcher (members); without it, the flags below configure a control plane")
	printVersion := flag.Bool("version", false, "print the version and exit")
	var flagged localcluster.Config
	localcluster.BindFlags(flag.CommandLine, &flagged)
	klog.InitFlags(flag.CommandLine)
	flag.Parse()
	if *printVersion {
		fmt.Printf("kurator-cluster %s (Kubernetes %s)\n", version.Version, version.KubernetesVersion)
		return
	}
	cfg, err := flagged, flagged.Validate()
	if *configPath != "" {
		cfg, err = localcluster.LoadConfig(*configPath)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kurator-cluster: %v\n", err)
		os.Exit(2)
	}
	if err := pprof.ServeFromEnv(cfg.Name, nil); err != nil {
		fmt.Fprintf(os.Stderr, "kurator-cluster: %v\n", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ctx = klog.NewContext(ctx, klog.Background())
	if err := server.Run(ctx, cfg); err != nil {
		klog.Background().Error(err, "Cluster stopped with an error", "cluster", cfg.Name)
		klog.Flush()
		os.Exit(1)
	}
	klog.Flush()
}
