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

package pulljoin_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/join"
	"kurator.dev/kurator/internal/localfleet"
)

// kubelet runs the agent's installed Deployment as a local process, as a
// kubelet would run its Pod, and stops it when the Deployment goes.
type kubelet struct {
	t      *testing.T
	member kubernetes.Interface
	// args are the agent's arguments as started; done closes when the
	// process has been started and stopped again.
	args    chan []string
	done    chan struct{}
	logFile string
}

// playKubelet waits (two minutes at most) for the agent's Deployment and
// bootstrap Secret in the member and starts the agent.
func playKubelet(ctx context.Context, t *testing.T, member kubernetes.Interface) *kubelet {
	k := &kubelet{t: t, member: member, args: make(chan []string, 1), done: make(chan struct{}),
		logFile: filepath.Join(t.TempDir(), "agent.log")}
	bin, err := localfleet.Binaries{BuildDir: t.TempDir()}.Resolve(ctx, localfleet.AgentBinary)
	if err != nil {
		t.Fatalf("find kurator-agent: %v", err)
	}
	go k.run(ctx, bin)
	t.Cleanup(func() {
		<-k.done
		if t.Failed() {
			if log, err := os.ReadFile(k.logFile); err == nil {
				t.Logf("agent log:\n%s", log)
			}
		}
	})
	return k
}

func (k *kubelet) run(ctx context.Context, bin string) {
	defer close(k.done)
	args, ok := k.podArgs(ctx)
	if !ok {
		return
	}
	log, err := os.Create(k.logFile)
	if err != nil {
		k.t.Errorf("agent log: %v", err)
		return
	}
	defer log.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		k.t.Errorf("start the agent: %v", err)
		return
	}
	k.args <- args
	k.waitDeploymentGone(ctx)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

// podArgs reads the installed container's arguments and bootstrap Secret
// and points the arguments at local copies of the Pod's files.
func (k *kubelet) podArgs(ctx context.Context) ([]string, bool) {
	deadline := time.Now().Add(2 * time.Minute)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		d, errD := k.member.AppsV1().Deployments(join.AgentNamespace).Get(ctx, components.AgentName, metav1.GetOptions{})
		s, errS := k.member.CoreV1().Secrets(join.AgentNamespace).Get(ctx, components.AgentBootstrapSecret, metav1.GetOptions{})
		if errD == nil && errS == nil {
			dir := k.t.TempDir()
			files := map[string]string{}
			for _, key := range []string{components.AgentBootstrapTokenKey, components.AgentBootstrapCAKey} {
				files[key] = filepath.Join(dir, key)
				if err := os.WriteFile(files[key], s.Data[key], 0o600); err != nil {
					k.t.Errorf("write %s: %v", key, err)
					return nil, false
				}
			}
			local := map[string]string{
				"--control-plane-ca-file":     files[components.AgentBootstrapCAKey],
				"--bootstrap-token-file":      files[components.AgentBootstrapTokenKey],
				"--cert-dir":                  filepath.Join(dir, "certs"),
				"--health-probe-bind-address": "127.0.0.1:0",
				"--metrics-bind-address":      "127.0.0.1:0",
			}
			var args []string
			for _, arg := range d.Spec.Template.Spec.Containers[0].Args {
				flag, _, _ := strings.Cut(arg, "=")
				if path, ok := local[flag]; ok {
					arg = flag + "=" + path
				}
				args = append(args, arg)
			}
			// No in-cluster configuration on this machine.
			return append(args, "--kubeconfig="+memberKubeconfig), true
		}
		if (errD != nil && !apierrors.IsNotFound(errD)) || (errS != nil && !apierrors.IsNotFound(errS)) {
			k.t.Logf("read the agent's objects: %v %v", errD, errS)
		}
		time.Sleep(200 * time.Millisecond)
	}
	k.t.Errorf("the agent's Deployment and Secret did not appear in the member within two minutes")
	return nil, false
}

func (k *kubelet) waitDeploymentGone(ctx context.Context) {
	for ctx.Err() == nil {
		_, err := k.member.AppsV1().Deployments(join.AgentNamespace).Get(ctx, components.AgentName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}
