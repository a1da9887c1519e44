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
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"kurator.dev/kurator/internal/balancer"
)

// newBalanceCommand runs the loopback balancer in front of an HA local
// fleet's control-plane replicas; the launcher starts it, users do not.
func newBalanceCommand() *cobra.Command {
	var (
		listen   string
		backends string
	)
	cmd := &cobra.Command{
		Use:    "balance --listen ADDR --backends ADDR,ADDR",
		Short:  "Run the local balancer of a highly available control plane (started by 'kurator up --ha')",
		Hidden: true,
		Args:   exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := &balancer.Balancer{Listen: listen, Backends: strings.Split(backends, ",")}
			return b.Run(klog.NewContext(cmd.Context(), klog.Background()))
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "address to accept connections on")
	cmd.Flags().StringVar(&backends, "backends", "", "API servers (host:port), comma-separated")
	_ = cmd.MarkFlagRequired("listen")
	_ = cmd.MarkFlagRequired("backends")
	return cmd
}
