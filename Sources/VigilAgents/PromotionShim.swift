/// The `crm_attribute`/`crm_master` replacement installed for promotable OCF agents.
///
/// Agents such as `ocf:pacemaker:Stateful` publish their promotion score by running
/// `${HA_SBIN_DIR}/crm_attribute --promotion -v SCORE`. Vigil points `HA_SBIN_DIR` at a
/// directory holding this script, which records the score in `$VIGIL_PROMOTION_FILE`;
/// the executor reads it back after the action. The script only ever sees the agent's
/// own arguments, never Vigil configuration.
enum PromotionShim {
    static let script = """
        #!/bin/sh
        # Installed by Vigil: records promotion scores set by OCF agents.
        f="${VIGIL_PROMOTION_FILE:-}"
        [ -n "$f" ] || exit 0
        mode=""
        value=""
        while [ $# -gt 0 ]; do
          case "$1" in
            -v|--update|--value) value="$2"; mode=set; shift 2 ;;
            --update=*|--value=*) value="${1#*=}"; mode=set; shift ;;
            -D|--delete) mode=delete; shift ;;
            -G|--query) mode=query; shift ;;
            -l|--lifetime|-n|--name|-N|--node|-t|--type|-s|--set-name|-i|--id|-d|--default) shift 2 ;;
            *) shift ;;
          esac
        done
        case "$mode" in
          set) printf '%s\\n' "$value" > "$f" ;;
          delete) printf 'deleted\\n' > "$f" ;;
          query) [ -f "$f" ] && cat "$f" ;;
        esac
        exit 0

        """

    /// The names under which the script is installed.
    static let names = ["crm_attribute", "crm_master"]
}
