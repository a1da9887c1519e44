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
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kurator.dev/kurator/internal/localcluster"

	"github.com/spf13/pflag"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app/options"

	"kurator.dev/kurator/internal/pki"
)

// controlPlaneControllers are all a template store needs: templates must never
// turn into pods there, so no workload controllers run.
var controlPlaneControllers = []string{
	"namespace-controller",
	"garbage-collector-controller",
	"serviceaccount-controller",
	"serviceaccount-token-controller",
	"root-ca-certificate-publisher-controller",
	"clusterrole-aggregation-controller",
}

// agentCredentialControllers run only on a control plane: they sign the
// client certificates of pull-mode agents once Kurator approves them, and
// remove expired CSRs and bootstrap tokens.
var agentCredentialControllers = []string{
	"certificatesigningrequest-signing-controller",
	"certificatesigningrequest-cleaner-controller",
	"token-cleaner-controller",
}

// agentCertificateMaxDuration caps an agent certificate's lifetime; agents
// ask for shorter ones with expirationSeconds.
const agentCertificateMaxDuration = "8760h"

// memberControllers make a member behave like a real cluster for workloads.
// Node lifecycle is left out: simulated nodes have no kubelet heartbeats, and
// the kubelet stand-in keeps their Ready condition instead.
var memberControllers = append([]string{
	"deployment-controller",
	"replicaset-controller",
	"statefulset-controller",
	"daemonset-controller",
	"job-controller",
	"cronjob-controller",
	"replicationcontroller-controller",
	"endpointslice-controller",
	"pod-garbage-collector-controller",
	"disruption-controller",
	"ttl-after-finished-controller",
	"resourcequota-controller",
	"persistentvolume-binder-controller",
	"persistentvolumeclaim-protection-controller",
	"persistentvolume-protection-controller",
	"horizontal-pod-autoscaler-controller",
}, controlPlaneControllers...)

// hpaSyncPeriod is how often a member's HorizontalPodAutoscalers are
// evaluated: 5s instead of Kubernetes' 15s, so that scaling on the simulated
// load shows within seconds in tests and demos.
const hpaSyncPeriod = "5s"

func controllerManagerArgs(c localcluster.Config) []string {
	b := pki.Bundle{Dir: c.PKIDir}
	controllers := append(slices.Clone(controlPlaneControllers), agentCredentialControllers...)
	if c.Role == localcluster.RoleMember {
		controllers = memberControllers
	}
	args := []string{
		"--kubeconfig=" + c.KubeconfigPath,
		"--authentication-kubeconfig=" + c.KubeconfigPath,
		"--authorization-kubeconfig=" + c.KubeconfigPath,
		"--secure-port=0",
		// The replicas of a highly available control plane each run these
		// controllers; one at a time acts.
		"--leader-elect=" + strconv.FormatBool(c.HighlyAvailable()),
		"--controllers=" + strings.Join(controllers, ","),
		"--service-account-private-key-file=" + b.Path(pki.ServiceAcctKey),
		"--root-ca-file=" + b.Path(pki.CACert),
		"--use-service-account-credentials=false",
		"--kube-api-qps=200",
		"--kube-api-burst=400",
		"--concurrent-deployment-syncs=10",
		"--concurrent-replicaset-syncs=10",
		"--profiling=false",
	}
	if c.Role == localcluster.RoleMember {
		args = append(args, "--horizontal-pod-autoscaler-sync-period="+hpaSyncPeriod)
	} else {
		// Agents authenticate with certificates of the control plane's
		// client CA, the one its API server trusts.
		args = append(args,
			"--cluster-signing-kube-apiserver-client-cert-file="+b.Path(pki.CACert),
			"--cluster-signing-kube-apiserver-client-key-file="+b.Path(pki.CAKey),
			"--cluster-signing-duration="+agentCertificateMaxDuration)
	}
	if c.HighlyAvailable() {
		// Without it, losing the lead exits the whole process at once —
		// its etcd member too, without handing Raft leadership over, which
		// fails the writes in flight on every replica.
		args = append(args, "--feature-gates=ControllerManagerReleaseLeaderElectionLockOnExit=true")
	}
	return args
}

// runControllerManager runs kube-controller-manager in this process.
func runControllerManager(ctx context.Context, c localcluster.Config) error {
	s, err := options.NewKubeControllerManagerOptions()
	if err != nil {
		return err
	}
	nfs := s.Flags(app.KnownControllers(), app.ControllersDisabledByDefault(), app.ControllerAliases())
	s.ParsedFlags = &nfs
	fs := pflag.NewFlagSet("kube-controller-manager", pflag.ContinueOnError)
	for _, f := range nfs.FlagSets {
		fs.AddFlagSet(f)
	}
	if err := fs.Parse(controllerManagerArgs(c)); err != nil {
		return fmt.Errorf("kube-controller-manager flags: %w", err)
	}
	if err := s.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	cfg, err := s.Config(ctx, app.KnownControllers(), app.ControllersDisabledByDefault(), app.ControllerAliases())
	if err != nil {
		return fmt.Errorf("kube-controller-manager config: %w", err)
	}
	return app.Run(ctx, cfg.Complete())
}
