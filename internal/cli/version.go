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
package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/discovery"

	"kurator.dev/kurator/internal/version"
)

func newVersionCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the client version and, if reachable, the control plane's",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(streams.Out, "Client Version: %s\n", version.Version)
			fmt.Fprintf(streams.Out, "Local clusters built from Kubernetes: %s\n", version.KubernetesVersion)
			cfg, err := cp.restConfig()
			if err != nil {
				fmt.Fprintf(streams.Out, "Control Plane: not configured\n")
				return nil
			}
			dc, err := discovery.NewDiscoveryClientForConfig(cfg)
			if err != nil {
				return err
			}
			v, err := dc.ServerVersion()
			if err != nil {
				fmt.Fprintf(streams.Out, "Control Plane: unreachable at %s\n", cfg.Host)
				return nil
			}
			fmt.Fprintf(streams.Out, "Control Plane Version: %s (%s)\n", v.GitVersion, cfg.Host)
			return nil
		},
	}
	cp.AddFlags(cmd.Flags())
	return cmd
}
