import json, sys
sys.path.insert(0, "docs/reviews/2026-12-timeline")
from scenarios import S
from migralex.rules.case_state import case_timeline
from migralex.errors import InvalidInput
out = {}
for s in S:
    case = dict(s["case"]); case["events"] = s["events"]
    try:
        tl = case_timeline([case], s["as_of"], crisis=s["crisis"])
        tl.check(0)
        a = tl.answer(0)
        r = {"limits": {x["name"]: {k: x.get(k) for k in ("date", "status", "variant", "member_state")} for x in a["limits"]},
             "responsible": a["responsible_member_state"], "legal_basis": a["legal_basis"],
             "shifts": [{k: x[k] for k in ("from", "to", "date")} for x in a["shifts"]], "flags": [f["kind"] for f in a["flags"]]}
    except InvalidInput as e:
        r = {"error": f"{e.path}: {e.reason}"}
    except Exception as e:
        r = {"exception": repr(e)}
    out[s["id"]] = r
    print("==", s["id"], s["title"]); print("   EXPECT", s["expect"]); print("   ENGINE", json.dumps(r, default=str))
json.dump(out, open("/tmp/rv_engine.json", "w"), default=str, indent=1)
