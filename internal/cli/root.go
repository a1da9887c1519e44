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
// Package cli implements the kurator command line (also usable as the kubectl
// plugin 'kubectl kurator').
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/internal/scheme"
	"kurator.dev/kurator/internal/version"
)

// UsageError marks errors that come from how the command was called; they
// exit with code 2.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// ExitCode maps an error of Execute to the process exit code.
func ExitCode(err error) int {
	var u UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	default:
		return 1
	}
}

// NewRootCommand builds the command tree. name is "kurator" or, when run as a
// kubectl plugin, "kubectl kurator".
func NewRootCommand(name string, streams genericiooptions.IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:           name,
		Short:         "Kurator turns many Kubernetes clusters into one fleet",
		SilenceUsage:  true,
		SilenceErrors: true,
		// --version needs no control plane, unlike 'version', so it works
		// anywhere, such as in the image.
		Version: version.Version,
	}
	root.SetVersionTemplate(name + " {{.Version}}\n")
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return UsageError{err} })
	root.AddCommand(
		newUpCommand(streams), newDownCommand(streams), newStatusCommand(streams), newLocalCommand(streams),
		newJoinCommand(streams), newUnjoinCommand(streams), newGetCommand(streams), newScheduleCommand(streams), newDescribeCommand(streams), newVersionCommand(streams),
		newInstallCommand(streams), newUninstallCommand(streams),
		newCordonCommand(streams), newUncordonCommand(streams), newDrainCommand(streams), newRebalanceCommand(streams), newTrafficCommand(streams), newRolloutCommand(streams),
		newTokenCommand(streams), newInterpretCommand(streams), newCostCommand(streams),
	)
	return root
}

// ExecuteContext runs the command tree on args and returns the process exit code.
func ExecuteContext(ctx context.Context, name string, args []string, streams genericiooptions.IOStreams) int {
	cmd := NewRootCommand(name, streams)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if err != nil {
		if isCobraUsage(err) {
			err = UsageError{err}
		}
		fmt.Fprintf(streams.ErrOut, "error: %v\n", err)
	}
	return ExitCode(err)
}

// isCobraUsage recognises cobra's own argument errors (unknown command,
// wrong number of arguments), which are not typed.
func isCobraUsage(err error) bool {
	var u UsageError
	if errors.As(err, &u) {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return UsageError{fmt.Errorf("%q takes %d argument(s), got %d; see '%s --help'", cmd.CommandPath(), n, len(args), cmd.CommandPath())}
		}
		return nil
	}
}

// controlPlaneFlags are how a command finds the control plane. Without
// --context, the "kurator" context is used if the kubeconfig has one (the
// local fleet's), else the current context.
type controlPlaneFlags struct {
	*genericclioptions.ConfigFlags
}

func newControlPlaneFlags() controlPlaneFlags {
	return controlPlaneFlags{genericclioptions.NewConfigFlags(true)}
}

func (f controlPlaneFlags) restConfig() (*rest.Config, error) {
	if f.Context == nil || *f.Context == "" {
		raw, err := f.ToRawKubeConfigLoader().RawConfig()
		if err == nil {
			if _, ok := raw.Contexts[localfleet.ControlPlaneName]; ok {
				ctx := localfleet.ControlPlaneName
				f.Context = &ctx
			}
		}
	}
	cfg, err := f.ToRESTConfig()
	if err != nil {
		if clientcmd.IsEmptyConfig(err) {
			return nil, fmt.Errorf("no kubeconfig found for the control plane; start a local fleet with 'kurator up' or pass --kubeconfig/--context")
		}
		return nil, err
	}
	return cfg, nil
}

func (f controlPlaneFlags) client() (client.Client, error) {
	cfg, err := f.restConfig()
	if err != nil {
		return nil, err
	}
	return client.New(cfg, client.Options{Scheme: scheme.Scheme})
}

func (f controlPlaneFlags) namespace(def string) string {
	if f.Namespace != nil && *f.Namespace != "" {
		return *f.Namespace
	}
	return def
}
