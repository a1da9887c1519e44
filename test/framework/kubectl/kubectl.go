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

// Package kubectl runs kubectl itself (the code of the kubectl binary) inside
// a test process. It is a package of its own so that only the tests that run
// kubectl link it.
package kubectl

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
)

// mu serialises runs: kubectl's fatal-error handler is process-wide.
var mu sync.Mutex

// exit is how a run ends with an error instead of exiting the test binary.
type exit struct {
	msg  string
	code int
}

// Run runs kubectl against the cluster of a kubeconfig file and returns what
// it printed; err is set when it would have exited non-zero.
func Run(kubeconfig string, args ...string) (stdout, stderr string, err error) {
	mu.Lock()
	defer mu.Unlock()
	var out, errOut bytes.Buffer
	cmd := kubectlcmd.NewKubectlCommand(kubectlcmd.KubectlOptions{
		Arguments:   append([]string{"kubectl"}, args...),
		ConfigFlags: genericclioptions.NewConfigFlags(true).WithDiscoveryBurst(300).WithDiscoveryQPS(50),
		IOStreams:   genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
	})
	cmd.SetArgs(append([]string{"--kubeconfig", kubeconfig}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmdutil.BehaviorOnFatal(func(msg string, code int) { panic(exit{msg, code}) })
	defer cmdutil.DefaultBehaviorOnFatal()
	func() {
		defer func() {
			if r := recover(); r != nil {
				e, ok := r.(exit)
				if !ok {
					panic(r)
				}
				err = fmt.Errorf("kubectl %s: exit %d: %s", strings.Join(args, " "), e.code, strings.TrimSpace(e.msg))
			}
		}()
		if runErr := cmd.Execute(); runErr != nil {
			err = runErr
		}
	}()
	return out.String(), errOut.String(), err
}
