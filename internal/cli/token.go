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
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"kurator.dev/kurator/internal/agentauth"
)

// newTokenCommand manages the bootstrap tokens with which a pull agent
// registers its cluster.
func newTokenCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create or delete the bootstrap tokens with which pull agents register their clusters"}
	cmd.AddCommand(newTokenCreateCommand(streams), newTokenDeleteCommand(streams))
	return cmd
}

func newTokenCreateCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "create CLUSTER",
		Short: "Create a bootstrap token that lets one pull agent register CLUSTER, and nothing else",
		Long: `Create a Kubernetes bootstrap token for the pull agent of CLUSTER and print it.
The token can only request the agent's client certificate, only for CLUSTER, and
only until it expires; the agent then authenticates with its certificate, which it
renews itself. Give it to kurator-agent with --bootstrap-token-file.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ttl <= 0 {
				return UsageError{fmt.Errorf("--ttl must be positive")}
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			token, err := agentauth.CreateBootstrapToken(cmd.Context(), c, args[0], ttl)
			if err != nil {
				return err
			}
			fmt.Fprintln(streams.Out, token)
			return nil
		},
	}
	cmd.Flags().DurationVar(&ttl, "ttl", time.Hour, "how long the token can register the agent")
	cp.AddFlags(cmd.Flags())
	return cmd
}

func newTokenDeleteCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:   "delete CLUSTER",
		Short: "Delete every bootstrap token of CLUSTER (agents holding a certificate are not affected)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cp.client()
			if err != nil {
				return err
			}
			if err := agentauth.DeleteBootstrapTokens(cmd.Context(), c, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "bootstrap tokens of %s deleted\n", args[0])
			return nil
		},
	}
	cp.AddFlags(cmd.Flags())
	return cmd
}
