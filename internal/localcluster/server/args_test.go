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

package server

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app/options"

	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/pki"
)

// TestOnlyAControlPlaneIssuesAgentCredentials checks that a control plane
// accepts bootstrap tokens and signs agent certificates with its client CA,
// and a member does neither.
func TestOnlyAControlPlaneIssuesAgentCredentials(t *testing.T) {
	dir := t.TempDir()
	b := pki.Bundle{Dir: dir}
	controlPlane := localcluster.Config{Role: localcluster.RoleControlPlane, PKIDir: dir}
	member := localcluster.Config{Role: localcluster.RoleMember, PKIDir: dir}

	signing := []string{
		"--cluster-signing-kube-apiserver-client-cert-file=" + b.Path(pki.CACert),
		"--cluster-signing-kube-apiserver-client-key-file=" + b.Path(pki.CAKey),
		"--cluster-signing-duration=8760h",
	}
	cpArgs := controllerManagerArgs(controlPlane)
	for _, want := range signing {
		if !slices.Contains(cpArgs, want) {
			t.Errorf("control plane's kube-controller-manager lacks %s", want)
		}
	}
	cpControllers := controllersOf(t, cpArgs)
	for _, want := range agentCredentialControllers {
		if !slices.Contains(cpControllers, want) {
			t.Errorf("control plane does not run %s", want)
		}
		if slices.Contains(controllersOf(t, controllerManagerArgs(member)), want) {
			t.Errorf("member runs %s", want)
		}
	}
	if !slices.Contains(apiServerArgs(controlPlane), "--enable-bootstrap-token-auth=true") {
		t.Error("control plane's kube-apiserver does not accept bootstrap tokens")
	}
	if slices.Contains(apiServerArgs(member), "--enable-bootstrap-token-auth=true") {
		t.Error("member's kube-apiserver accepts bootstrap tokens")
	}
	validControllerManagerFlags(t, cpArgs)
}

func controllersOf(t *testing.T, args []string) []string {
	t.Helper()
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--controllers="); ok {
			return strings.Split(v, ",")
		}
	}
	t.Fatal("no --controllers flag")
	return nil
}

// validControllerManagerFlags checks args with kube-controller-manager's own
// validation: every controller name is known, the signer files go together.
func validControllerManagerFlags(t *testing.T, args []string) {
	t.Helper()
	s, err := options.NewKubeControllerManagerOptions()
	if err != nil {
		t.Fatal(err)
	}
	nfs := s.Flags(app.KnownControllers(), app.ControllersDisabledByDefault(), app.ControllerAliases())
	fs := pflag.NewFlagSet("kube-controller-manager", pflag.ContinueOnError)
	for _, f := range nfs.FlagSets {
		fs.AddFlagSet(f)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(app.KnownControllers(), app.ControllersDisabledByDefault(), app.ControllerAliases()); err != nil {
		t.Errorf("kube-controller-manager rejects its flags: %v", err)
	}
}
