{{/* Names, labels and the pieces both tiers share. */}}

{{- define "roster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "roster.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Object names of the tiers, short enough for a Service name with a suffix. */}}
{{- define "roster.userService.fullname" -}}
{{- printf "%s-user-service" (include "roster.fullname" . | trunc 50 | trimSuffix "-") }}
{{- end }}
{{/* The user service's headless Service, which the gateway resolves to every ready pod. */}}
{{- define "roster.userService.headlessName" -}}
{{- printf "%s-user-service-headless" (include "roster.fullname" . | trunc 41 | trimSuffix "-") }}
{{- end }}
{{- define "roster.gateway.fullname" -}}
{{- printf "%s-gateway" (include "roster.fullname" . | trunc 55 | trimSuffix "-") }}
{{- end }}

{{- define "roster.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "roster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "roster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "roster.labels" -}}
helm.sh/chart: {{ include "roster.chart" . }}
{{ include "roster.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: roster
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of one tier: pass (dict "root" $ "component" "user-service"). */}}
{{- define "roster.componentLabels" -}}
{{ include "roster.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- define "roster.componentSelectorLabels" -}}
{{ include "roster.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "roster.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "roster.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "roster.secretName" -}}
{{- default (printf "%s-secrets" (include "roster.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{- define "roster.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* terminationGracePeriodSeconds: the drain delay, the grace period and a margin, so that the
     kubelet's SIGKILL never lands before Roster's own deadline. */}}
{{- define "roster.terminationGracePeriodSeconds" -}}
{{- if lt (int .Values.shutdown.marginSeconds) 1 }}
{{- fail "shutdown.marginSeconds must be at least 1: the kubelet would kill pods before they drain" }}
{{- end }}
{{- add .Values.shutdown.delaySeconds .Values.shutdown.graceSeconds .Values.shutdown.marginSeconds }}
{{- end }}

{{/* The database URL from the Secret (the user service and the migration Job). */}}
{{- define "roster.databaseUrlEnv" -}}
- name: ROSTER_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "roster.secretName" . }}
      key: {{ .Values.secrets.keys.databaseUrl }}
{{- end }}

{{/* OTLP and pod identity, for one tier: pass (dict "root" $ "component" "gateway"). */}}
{{- define "roster.otelEnv" -}}
{{- $otel := .root.Values.otel }}
{{- if $otel.endpoint }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $otel.endpoint | quote }}
{{- with $otel.protocol }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ . | quote }}
{{- end }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "roster-%s" .component | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE),k8s.node.name=$(NODE_NAME),service.namespace=%s%s" .root.Release.Namespace (ternary (printf ",%s" $otel.resourceAttributes) "" (ne $otel.resourceAttributes "")) | quote }}
{{- end }}
{{- end }}

{{/* Pod-level scheduling values of one tier (pass the tier's values). */}}
{{- define "roster.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}

{{/* Settings the chart owns: giving them in .Values.settings is a mistake worth a failure. */}}
{{- define "roster.checkSettings" -}}
{{- range $key := list "grpc_addr" "http_addr" "user_service_url" "migrate_on_start" "shutdown_delay_secs" "shutdown_grace_secs" "metrics_addr" "database_url" "token_keys" "server_key" "data_dir" "nats_url" "nats_stream" "nats_subject_prefix" "nats_max_age_secs" "nats_duplicate_window_secs" "relay_lease_secs" "events_retention_secs" "events_outbox" "webhook_retry_for_secs" "webhook_first_retry_ms" "webhook_pause_after_parked" "webhook_timeout_secs" "webhook_allow_private" }}
{{- if hasKey $.Values.settings $key }}
{{- fail (printf "settings.%s is set by the chart; see README.md for the value that controls it" $key) }}
{{- end }}
{{- end }}
{{- end }}
