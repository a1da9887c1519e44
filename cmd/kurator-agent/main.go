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

// Command kurator-agent runs in a pull-mode member cluster: it connects out
// to the control plane, never the other way, and applies the cluster's
// Works there.
package main

import (
	"flag"
	"fmt"
	"os"

	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"

	"kurator.dev/kurator/internal/agent"
	"kurator.dev/kurator/internal/version"
)

func main() {
	fs := flag.NewFlagSet("kurator-agent", flag.ExitOnError)
	opts := agent.DefaultOptions()
	opts.AddFlags(fs)
	klog.InitFlags(fs)
	printVersion := fs.Bool("version", false, "print the version and exit")
	_ = fs.Parse(os.Args[1:])
	if *printVersion {
		fmt.Printf("kurator-agent %s\n", version.Version)
		return
	}
	log := klog.Background()
	ctrl.SetLogger(log)
	if err := agent.Run(ctrl.SetupSignalHandler(), opts, log); err != nil {
		fmt.Fprintf(os.Stderr, "kurator-agent: %v\n", err)
		os.Exit(1)
	}
}
