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

package propagation_test

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"kurator.dev/kurator/internal/localfleet"
)

// kubectlMu serialises in-process kubectl runs: kubectl reports a failed
// command through a process-wide fatal handler.
var kubectlMu sync.Mutex

// errKubectlFatal carries what kubectl would have printed before exiting.
var errKubectlFatal = errors.New("kubectl failed")

// kubectl runs kubectl against the control plane in this process:
// NewKubectlCommand is the kubectl binary's own command tree, so this is
// the real 'kubectl ARGS...'. It returns the command's output and, when
// kubectl would have exited non-zero, an error with its message.
func kubectl(t *testing.T, args ...string) (out string, err error) {
	t.Helper()
	kubectlMu.Lock()
	defer kubectlMu.Unlock()
	var stdout, stderr bytes.Buffer
	kubeconfig := fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
	argv := append([]string{"--kubeconfig", kubeconfig, "--cache-dir", t.TempDir()}, args...)
	cmd := kubectlcmd.NewKubectlCommand(kubectlcmd.KubectlOptions{
		Arguments:   append([]string{"kubectl"}, argv...),
		ConfigFlags: genericclioptions.NewConfigFlags(true),
		IOStreams:   genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &stdout, ErrOut: &stderr},
	})
	cmd.SetArgs(argv)
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	// kubectl's commands end a failed run with os.Exit through this
	// handler; here it unwinds the command instead.
	type fatal struct {
		msg  string
		code int
	}
	cmdutil.BehaviorOnFatal(func(msg string, code int) { panic(fatal{msg, code}) })
	defer cmdutil.DefaultBehaviorOnFatal()
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(fatal)
			if !ok {
				panic(r)
			}
			out, err = stdout.String(), fmt.Errorf("%w (exit %d): %s%s", errKubectlFatal, f.code, stderr.String(), f.msg)
		}
	}()
	if err := cmd.Execute(); err != nil {
		return stdout.String(), fmt.Errorf("%w: %s%w", errKubectlFatal, stderr.String(), err)
	}
	return stdout.String(), nil
}
