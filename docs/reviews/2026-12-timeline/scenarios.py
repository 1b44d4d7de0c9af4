"""Reviewer's scenarios: expectations written from the article texts BEFORE running the engine."""
SY = {"nationality": "SY"}
def base(ms="DE", date="2026-09-15", **kw):
    c = {"version": 2, "id": "rv", "registration": {"member_state": ms, "date": date, "place": "territory"},
         "applicant": dict(SY)}
    c.update(kw)
    return c
GR_ENTRY = [{"kind": "irregular_crossing", "member_state": "GR", "date": "2026-06-01"}]
FR_SPOUSE = [{"relation": "spouse", "member_state": "FR", "status": "beneficiary_of_international_protection", "consent_in_writing": True}]
DE_SPOUSE = [{"relation": "spouse", "member_state": "DE", "status": "beneficiary_of_international_protection", "consent_in_writing": True}]
def tc(d, by, to, **kw): return {"type": "take_charge_request", "date": d, "by": by, "to": to, **kw}
def rep(d, by, to, o="accepted"): return {"type": "reply", "date": d, "by": by, "to": to, "outcome": o}
def hit(d, by, to, cat): return {"type": "eurodac_hit", "date": d, "by": by, "to": to, "category": cat}
def tb(d, by, to): return {"type": "take_back_notification", "date": d, "by": by, "to": to}
def ev(t, d, **kw): return {"type": t, "date": d, **kw}

S = []
def sc(id, title, case, events, as_of, expect, why, crisis=False):
    S.append(dict(id=id, title=title, case=case, events=events, as_of=as_of, expect=expect, why=why, crisis=crisis))

# --- Art. 39(1): request periods ---
sc("S01a", "request 2 months from registration, last day Sun 15 Nov 2026 -> Mon 16 Nov; request on 16 Nov in time",
   base(family=FR_SPOUSE), [tc("2026-11-16", "DE", "FR")], "2026-11-20",
   {"take_charge_request": ("2026-11-16", "met"), "responsible": "FR"},
   "Art. 39(1) 'within two months of the date on which the application was registered'; Art. 75(b),(d) Sunday -> next working day (DE, requesting)")
sc("S01b", "same, request on Tue 17 Nov - late: responsibility lies with DE (registration)",
   base(family=FR_SPOUSE), [tc("2026-11-17", "DE", "FR")], "2026-11-20",
   {"take_charge_request": ("2026-11-16", "lapsed"), "responsible": "DE"},
   "Art. 39(1) 3rd subpara 'responsibility ... shall lie with the Member State where the application was registered'")
sc("S02", "hit 30 Sep 2026: request one month from hit -> Fri 30 Oct 2026 (not 16 Nov)",
   base(entries=GR_ENTRY), [hit("2026-09-30", "DE", "GR", "irregular_crossing"), tc("2026-11-02", "DE", "GR")], "2026-11-05",
   {"take_charge_request": ("2026-10-30", "lapsed"), "responsible": "DE"},
   "Art. 39(1) 2nd subpara 'shall be sent within one month of receiving such hit'")
sc("S03", "late hit 2 Nov 2026 (reg 15 Sep): one month from hit = 2 Dec, two months from reg = 16 Nov; request 25 Nov",
   base(entries=GR_ENTRY), [hit("2026-11-02", "DE", "GR", "irregular_crossing"), tc("2026-11-25", "DE", "GR")], "2026-11-26",
   {"take_charge_request": ("AMBIGUOUS: 2026-12-02 (hit displaces) or 2026-11-16 (earlier of both, Mengesteab C-670/16 analogy)", "?")},
   "Art. 39(1) 'Notwithstanding the first subparagraph' - does the hit period replace or only shorten the two months?")
# --- Art. 40: replies ---
sc("S04a", "reply 1 month, requested FR: request 11 Oct 2026 -> 11 Nov (Armistice, FR holiday) -> Thu 12 Nov; rejection on 12 Nov valid",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-10-11", "DE", "FR"), rep("2026-11-12", "FR", "DE", "rejected")], "2026-11-13",
   {"take_charge_reply": ("2026-11-12", "met"), "responsible": "DE?(rejected; no re-exam) - at least not FR"},
   "Art. 40(1) 'within one month of receipt of the request'; Art. 75(d) holidays 'in the Member State concerned' = FR, which must reply")
sc("S04b", "same, rejection on Fri 13 Nov - too late: silence = acceptance dated 12 Nov; transfer 6 months -> 12 May 2027",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-10-11", "DE", "FR"), rep("2026-11-13", "FR", "DE", "rejected")], "2026-11-14",
   {"take_charge_reply": ("2026-11-12", "lapsed"), "transfer": ("2027-05-12", "running"), "responsible": "FR"},
   "Art. 40(8) 'does not object ... within the one-month period ... tantamount to accepting the request'")
sc("S05", "month-end: reg 1 Dec 2026, request Fri 29 Jan 2027 -> reply 29 Feb missing -> 28 Feb (Sun) -> Mon 1 Mar 2027",
   base(date="2026-12-01", family=FR_SPOUSE), [tc("2027-01-29", "DE", "FR")], "2027-03-01",
   {"take_charge_reply": ("2027-03-01", "running"), "responsible": "FR (still pending/at least request in time)"},
   "Art. 75(c) 'the period shall end at midnight of the last day of that last month' then 75(d) Sunday -> next working day")
sc("S06", "hit-based reply 2 weeks: hit 16 Sep, request Fri 25 Sep 2026 -> reply Fri 9 Oct; silence -> acceptance; transfer Fri 9 Apr 2027",
   base(entries=GR_ENTRY), [hit("2026-09-16", "DE", "GR", "irregular_crossing"), tc("2026-09-25", "DE", "GR")], "2026-10-10",
   {"take_charge_reply": ("2026-10-09", "lapsed"), "transfer": ("2027-04-09", "running"), "responsible": "GR"},
   "Art. 40(2) 'within two weeks of receipt of the request'; 40(8) silence = acceptance")
sc("S07a", "urgent reply: return decision 1 Sep, reg 15 Sep, request 1 Oct urgent reply_by 9 Oct; rejection 14 Oct (within 2 weeks) still valid",
   base(family=FR_SPOUSE), [tc("2026-10-01", "DE", "FR", urgent=True, reply_by="2026-10-09", urgent_ground="return_decision", ground_issued="2026-09-01"),
                            rep("2026-10-14", "FR", "DE", "rejected")], "2026-10-16",
   {"take_charge_reply": ("2026-10-09 requested / 2026-10-15 fallback", "rejection valid"), "responsible": "not FR"},
   "Art. 40(7) 'within the period requested or, failing that, within two weeks'; 40(8) 'within the two-week period set out in paragraphs 2 and 7'")
sc("S07b", "urgent: silence to 16 Oct -> acceptance dated Thu 15 Oct 2026; transfer 15 Apr 2027",
   base(family=FR_SPOUSE), [tc("2026-10-01", "DE", "FR", urgent=True, reply_by="2026-10-09", urgent_ground="return_decision", ground_issued="2026-09-01")], "2026-10-16",
   {"transfer": ("2027-04-15", "running"), "responsible": "FR"},
   "Art. 40(8)")
sc("S07c", "urgent reply period shorter than one week (reply_by 7 Oct for a request of 1 Oct) - invalid",
   base(family=FR_SPOUSE), [tc("2026-10-01", "DE", "FR", urgent=True, reply_by="2026-10-07", urgent_ground="return_decision", ground_issued="2026-09-01")], "2026-10-08",
   {"error": "period at least one week"},
   "Art. 39(2) 'That period shall be at least one week.'")
# --- Art. 41: take back ---
sc("S08", "take back: notified IT, notification Tue 24 Nov 2026 -> 8 Dec (IT holiday) -> Wed 9 Dec; silence -> confirmation; transfer 9 Jun 2027",
   base(date="2026-11-10"), [hit("2026-11-12", "DE", "IT", "application"), tb("2026-11-24", "DE", "IT")], "2026-12-10",
   {"take_back_confirmation": ("2026-12-09", "lapsed"), "transfer": ("2027-06-09", "running"), "responsible": "IT"},
   "Art. 41(3)-(4) two weeks, silence 'tantamount to confirming'; Art. 75(d) holidays of IT, which must confirm")
sc("S09", "take back notification 2 weeks after hit, hit Wed 16 Sep -> 30 Sep; notified 1 Oct (late) - no effect on obligation",
   base(date="2026-09-15"), [hit("2026-09-16", "DE", "IT", "application"), tb("2026-10-01", "DE", "IT")], "2026-10-02",
   {"take_back_notification": ("2026-09-30", "lapsed"), "responsible": "IT"},
   "Art. 41(1) 'Failure ... shall not affect the obligation of the Member State responsible to take back'")
# --- Art. 46 transfer ---
sc("S10", "transfer month-end: accepted Mon 31 Aug 2026 -> 31 Feb missing -> 28 Feb 2027 (Sun) -> Mon 1 Mar 2027",
   base(date="2026-07-15", family=FR_SPOUSE), [tc("2026-08-10", "DE", "FR"), rep("2026-08-31", "FR", "DE")], "2027-03-01",
   {"transfer": ("2027-03-01", "running"), "responsible": "FR"},
   "Art. 46(1) 'within six months of the acceptance'; Art. 75(c),(d)")
sc("S11a", "transfer limit passed: as S10 as_of 2 Mar 2027 - FR relieved, DE responsible from 2 Mar",
   base(date="2026-07-15", family=FR_SPOUSE), [tc("2026-08-10", "DE", "FR"), rep("2026-08-31", "FR", "DE")], "2027-03-02",
   {"transfer": ("2027-03-01", "lapsed"), "responsible": "DE", "shift": ("FR", "DE", "2027-03-02")},
   "Art. 46(2) 'responsibility shall be transferred to the transferring Member State'; Art. 37(1)")
sc("S12", "imprisonment: accepted Mon 12 Oct 2026, imprisoned 1 Mar 2027 -> limit up to 1 year = Tue 12 Oct 2027; still running 13 Apr 2027",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("imprisoned", "2027-03-01", by="DE")], "2027-04-13",
   {"transfer": ("2027-10-12", "running"), "responsible": "FR"},
   "Art. 46(2) 'extended up to a maximum of one year if the transfer could not be carried out due to the imprisonment'")
sc("S13", "imprisoned after the 6 months lapsed (12 Apr 2027) on 20 Apr - no revival; DE responsible from 13 Apr",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("imprisoned", "2027-04-20", by="DE")], "2027-04-21",
   {"transfer": ("2027-04-12", "lapsed"), "responsible": "DE", "shift": ("FR", "DE", "2027-04-13")},
   "Art. 46(2): once the time limit has passed responsibility 'shall be transferred'; an extension presupposes a running limit")
sc("S14", "released 15 Mar 2027 with <3 months left of the six (ends 12 Apr): 3 months from release = Tue 15 Jun 2027",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("imprisoned", "2027-02-01", by="DE"), ev("released", "2027-03-15", by="DE")], "2027-04-13",
   {"transfer": ("2027-06-15 (2nd subpara) - alternative: 2027-10-12 if the 1-year extension survives release", "running"), "responsible": "FR"},
   "Art. 46(2) 2nd subpara 'time remaining from the period referred to in paragraph 1 is less than three months ... period of three months'")
sc("S15", "absconding: accepted 12 Oct 2026, informed of absconding Wed 20 Jan 2027 -> 3 years from informing = Sun 20 Jan 2030 -> Mon 21 Jan 2030",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("absconded", "2027-01-20", by="DE")], "2027-05-01",
   {"transfer": ("2030-01-21", "running"), "responsible": "FR"},
   "Art. 46(2) 'up to a maximum of three years from when the requesting Member State informed the Member State responsible'")
sc("S16a", "absconded (informed) on the last day of the six months Mon 12 Apr 2027 - extension -> Fri 12 Apr 2030",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("absconded", "2027-04-12", by="DE")], "2027-05-01",
   {"transfer": ("2030-04-12", "running"), "responsible": "FR"}, "Art. 46(2)")
sc("S16b", "absconded (informed) 13 Apr 2027, a day after the six months - no extension, DE responsible from 13 Apr",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("absconded", "2027-04-13", by="DE")], "2027-05-01",
   {"transfer": ("2027-04-12", "lapsed"), "responsible": "DE", "shift": ("FR", "DE", "2027-04-13")}, "Art. 46(2)")
# --- Art. 37 ---
sc("S17a", "Art. 37(4): left 1 Oct 2026, at least nine months -> ends Thu 1 Jul 2027; as_of 1 Jul: not yet ceased",
   base(date="2026-09-15"), [ev("left_territory", "2026-10-01", by="DE")], "2027-07-01",
   {"cessation": ("2027-07-01", "running"), "responsible": "DE"}, "Art. 37(4) 'has left the territory of the Member States for at least nine months'")
sc("S17b", "Art. 37(4): as_of 2 Jul 2027: obligations ceased",
   base(date="2026-09-15"), [ev("left_territory", "2026-10-01", by="DE")], "2027-07-02",
   {"cessation": ("2027-07-01", "lapsed"), "responsible": "None (ceased)"}, "Art. 37(4)")
sc("S18a", "Art. 37(2) leap year: final rejection Mon 30 Nov 2026 -> 15 months -> 30 Feb missing -> Tue 29 Feb 2028; as_of 29 Feb still IT",
   base(ms="IT", date="2026-07-10"), [ev("border_rejection_final", "2026-11-30", by="IT")], "2028-02-29",
   {"cessation_border_procedure": ("2028-02-29", "running"), "responsible": "IT"}, "Art. 37(2) 'shall cease 15 months after'; Art. 75(c)")
sc("S18b", "Art. 37(2) leap year: as_of 1 Mar 2028 ceased",
   base(ms="IT", date="2026-07-10"), [ev("border_rejection_final", "2026-11-30", by="IT")], "2028-03-01",
   {"cessation_border_procedure": ("2028-02-29", "lapsed"), "responsible": "None"}, "Art. 37(2)")
# --- Art. 45 detention interactions ---
sc("S19", "detained later (Thu 1 Oct 2026): request within 1 week -> 8 Oct; request 9 Oct: detention limit lapsed, but Art. 39 two months still met -> FR responsible, no shift",
   base(family=FR_SPOUSE), [ev("detained", "2026-10-01", by="DE"), tc("2026-10-09", "DE", "FR")], "2026-10-10",
   {"request_detained": ("2026-10-08", "lapsed"), "take_charge_request": ("2026-11-16", "met"), "responsible": "FR"},
   "Art. 45(1) 'shall not exceed one week from the date on which the person was placed in detention'; 45(4) 'the person shall no longer be detained. Articles 39, 41 and 46 shall continue to apply'")
sc("S20", "detained from registration 15 Sep: request within 2 weeks (Tue 29 Sep); request Mon 28 Sep -> reply one week Mon 5 Oct; silence = acceptance; transfer_detained 5 weeks -> Mon 9 Nov",
   base(family=FR_SPOUSE), [ev("detained", "2026-09-15", by="DE"), tc("2026-09-28", "DE", "FR")], "2026-10-06",
   {"request_detained": ("2026-09-29", "met"), "take_charge_reply": ("2026-10-05", "lapsed"), "transfer_detained": ("2026-11-09", "running"), "responsible": "FR"},
   "Art. 45(1) two weeks from registration (15 Sep -> Tue 29 Sep); 45(2) one week (28 Sep -> Mon 5 Oct), silence = acceptance; 45(3)(a) five weeks (5 Oct -> Mon 9 Nov)")
# --- Art. 84 transition / Dublin III ---
sc("S21a", "registered 30 Jun 2026 -> Dublin III: request 3 months from lodging -> 30 Sep 2026 (Wed)",
   base(date="2026-06-30", family=FR_SPOUSE), [tc("2026-09-30", "DE", "FR")], "2026-10-01",
   {"take_charge_request": ("2026-09-30 (dublin3)", "met"), "responsible": "FR"},
   "AMMR Art. 84(2) 'registered before 1 July 2026 ... Regulation (EU) No 604/2013'; Dublin III Art. 21(1) three months")
sc("S21b", "registered 1 Jul 2026 -> AMMR (neither 'before' nor 'after' 1 July; AMMR applies from 1 July, Art. 85): request 2 months -> 1 Sep 2026",
   base(date="2026-07-01", family=FR_SPOUSE), [tc("2026-09-02", "DE", "FR")], "2026-09-03",
   {"take_charge_request": ("2026-09-01 (AMMR)", "lapsed"), "responsible": "DE"},
   "AMMR Art. 84(1) 'after 1 July 2026', 84(2) 'before 1 July 2026' - gap on 1 July itself; Art. 85 'It shall apply from 1 July 2026'")
sc("S22", "Dublin III absconding: reg 10 Jun 2026, accepted 30 Sep 2026, absconded 10 Nov -> 18 months from acceptance = Thu 30 Mar 2028",
   base(date="2026-06-10", family=FR_SPOUSE), [tc("2026-06-25", "DE", "FR"), rep("2026-09-30", "FR", "DE"), ev("absconded", "2026-11-10", by="DE")], "2027-05-01",
   {"transfer": ("2028-03-30", "running"), "responsible": "FR"},
   "Dublin III Art. 29(2) 'up to a maximum of eighteen months if the person concerned absconds' (from the acceptance)")
sc("S23", "Dublin III reply 2 months: request 25 Jun 2026 -> Tue 25 Aug 2026; silence = acceptance (22(7)); transfer 6 months -> Thu 25 Feb 2027",
   base(date="2026-06-10", family=FR_SPOUSE), [tc("2026-06-25", "DE", "FR")], "2026-08-26",
   {"take_charge_reply": ("2026-08-25", "lapsed"), "transfer": ("2027-02-25", "running"), "responsible": "FR"},
   "Dublin III Art. 22(1) two months, 22(7) failure to act = acceptance, 29(1) six months")
sc("S24", "Dublin III request ends on a Sunday: reg 20 Jun 2026 -> 3 months = Sun 20 Sep 2026; request Mon 21 Sep",
   base(date="2026-06-20", family=FR_SPOUSE), [tc("2026-09-21", "DE", "FR")], "2026-09-22",
   {"take_charge_request": ("AMBIGUOUS: 2026-09-20 (Art. 42 as written, no roll) or 2026-09-21 (Reg. 1182/71 Art. 3(4))", "?")},
   "Dublin III Art. 42 has no next-working-day rule")
sc("S25", "Dublin III take back reply after hit: reg 10 Jun 2026, hit 12 Jun (application, IT), notification (request) 1 Jul -> reply 2 weeks -> 15 Jul; silence = acceptance (25(2))",
   base(date="2026-06-10"), [hit("2026-06-12", "DE", "IT", "application"), tb("2026-07-01", "DE", "IT")], "2026-07-16",
   {"take_back_confirmation": ("2026-07-15", "lapsed"), "transfer": ("2027-01-15", "running"), "responsible": "IT"},
   "Dublin III Art. 23(2) request within two months of the hit; Art. 25(1) 'within two weeks' where based on Eurodac data; 25(2) silence = acceptance")
# --- CFMR Art. 12 ---
CR_IT = [{"member_state": "IT", "from": "2026-08-15", "to": "2027-08-14"}]
sc("S26", "CFMR 12(2)(a): IT in crisis, reg 1 Sep 2026 -> request 4 months = Fri 1 Jan 2027 (IT holiday) -> Mon 4 Jan 2027",
   base(ms="IT", date="2026-09-01", family=DE_SPOUSE), [tc("2027-01-04", "IT", "DE")], "2027-01-05",
   {"take_charge_request": ("2027-01-04", "met"), "responsible": "DE"},
   "CFMR Art. 12(2)(a) 'within four months of the date on which the application was registered'; AMMR Art. 75(d) IT holidays 1 Jan, weekend 2-3 Jan", crisis=CR_IT)
sc("S27", "CFMR 12(2)(b) reply: requested DE not in crisis, request by IT 4 Jan 2027 -> reply one month (AMMR 40(1)) = Thu 4 Feb 2027, not two months",
   base(ms="IT", date="2026-09-01", family=DE_SPOUSE), [tc("2027-01-04", "IT", "DE")], "2027-01-05",
   {"take_charge_reply": ("2027-02-04", "running"), "responsible": "DE"},
   "CFMR Art. 12(1) only 'a Member State facing such a situation' may derogate; DE is not", crisis=CR_IT)
sc("S28", "CFMR 12(2)(d): IT transferring in crisis, accepted 4 Feb 2027 by DE silence -> transfer one year = Fri 4 Feb 2028",
   base(ms="IT", date="2026-09-01", family=DE_SPOUSE), [tc("2027-01-04", "IT", "DE")], "2027-08-10",
   {"transfer": ("2028-02-04", "running"), "responsible": "DE"},
   "CFMR Art. 12(2)(d) 'within one year of the acceptance'", crisis=CR_IT)
sc("S29", "CFMR 12(2)(c): notifying DE in crisis; hit 1 Oct 2026, notification 30 Oct (within one month, not two weeks)",
   base(date="2026-09-28"), [hit("2026-10-01", "DE", "IT", "application"), tb("2026-10-30", "DE", "IT")], "2026-11-02",
   {"take_back_notification": ("2026-11-02 (1 Nov Sunday, DE: All Saints regional -> Mon 2 Nov)", "met"), "responsible": "IT"},
   "CFMR Art. 12(2)(c) 'within one month of receiving the Eurodac hit'", crisis=[{"member_state": "DE", "from": "2026-09-01", "to": "2027-02-28"}])
# ---- second batch (expectations written before running) ----
sc("S22b", "Dublin III absconding: accepted expressly Thu 20 Aug 2026, absconded 10 Nov -> 18 months from acceptance = Sun 20 Feb 2028, no roll (project reading of Art. 42)",
   base(date="2026-06-10", family=FR_SPOUSE), [tc("2026-06-25", "DE", "FR"), rep("2026-08-20", "FR", "DE"), ev("absconded", "2026-11-10", by="DE")], "2027-05-01",
   {"transfer": ("2028-02-20", "running"), "responsible": "FR"},
   "Dublin III Art. 29(2) 'up to a maximum of eighteen months if the person concerned absconds'")
sc("S30", "imprisoned 1 Nov 2026, released 1 Dec 2026 with >3 months left (six months end 12 Apr 2027): limit back to 12 Apr 2027",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("imprisoned", "2026-11-01", by="DE"), ev("released", "2026-12-01", by="DE")], "2027-01-10",
   {"transfer": ("2027-04-12 (alt.: 2027-10-12 if the one year survives release)", "running"), "responsible": "FR"},
   "Art. 46(2) the extension only 'if the transfer could not be carried out due to the imprisonment'; 2nd subpara applies only if <3 months remain")
sc("S31", "imprisoned 1 Mar 2027, released Wed 1 Sep 2027 (six months passed): 3 months from release = 1 Dec 2027 vs one-year maximum 12 Oct 2027",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("imprisoned", "2027-03-01", by="DE"), ev("released", "2027-09-01", by="DE")], "2027-09-02",
   {"transfer": ("AMBIGUOUS: 2027-12-01 (2nd subpara) or 2027-10-12 (one-year cap)", "running")},
   "Art. 46(2) 'maximum of one year' vs 2nd subpara 'shall have a period of three months'")
sc("S32", "imprisoned 1 Mar 2027, never released: one year ends Tue 12 Oct 2027; as_of 13 Oct: DE responsible",
   base(date="2026-09-15", family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("imprisoned", "2027-03-01", by="DE")], "2027-10-13",
   {"transfer": ("2027-10-12", "lapsed"), "responsible": "DE", "shift": ("FR", "DE", "2027-10-13")}, "Art. 46(2)")
VISA_FR = [{"kind": "visa", "member_state": "FR", "visa_type": "short_stay", "valid_from": "2026-08-01", "valid_until": "2026-08-30"}]
sc("S33", "VIS hit 16 Sep (visa FR): request one month -> Fri 16 Oct; request 1 Oct -> reply two weeks Thu 15 Oct",
   base(documents=VISA_FR), [hit("2026-09-16", "DE", "FR", "vis"), tc("2026-10-01", "DE", "FR")], "2026-10-02",
   {"take_charge_request": ("2026-10-16", "met"), "take_charge_reply": ("2026-10-15", "running")},
   "Art. 39(1) 2nd subpara 'or of a VIS hit ... within one month of receiving such hit'; Art. 40(2) 'within two weeks'")
sc("S34", "Art. 37(4): left Sat 3 Oct 2026 -> nine months end Sat 3 Jul 2027: roll to Mon 5 Jul? ",
   base(date="2026-09-15"), [ev("left_territory", "2026-10-03", by="DE")], "2027-07-04",
   {"cessation_absence": ("AMBIGUOUS: 2027-07-03 (a period of absence is not a time limit to act) or 2027-07-05 (Art. 75(d))", "?")},
   "Art. 75 'Any period of time prescribed' vs (d) 'time limits ... where a time limit ends on a Saturday'")
CR_IT2 = [{"member_state": "IT", "from": "2026-09-01", "to": "2027-08-31"}]
IT_ENTRY = [{"kind": "irregular_crossing", "member_state": "IT", "date": "2026-06-01"}]
sc("S35", "CFMR 12(4): requested IT in crisis, DE not: request 20 Sep 2026 -> IT reply two months Fri 20 Nov; silence -> acceptance; transfer one year -> Sat 20 Nov 2027 -> Mon 22 Nov 2027",
   base(entries=IT_ENTRY), [tc("2026-09-20", "DE", "IT")], "2026-11-21",
   {"take_charge_reply": ("2026-11-20", "lapsed"), "transfer": ("2027-11-22", "running"), "responsible": "IT"},
   "CFMR Art. 12(2)(b) 'within two months of receipt'; 12(4) 'If the transfer does not take place within one year'", crisis=CR_IT2)
UAM = {"nationality": "SY", "date_of_birth": "2010-01-01", "unaccompanied": True}
FR_SIB = [{"relation": "sibling", "member_state": "FR", "status": "legally_present", "can_take_care": True}]
sc("S36", "UAM late request 1 Dec 2026 (2 months ended 16 Nov): still valid; reply one month -> 1 Jan 2027 (FR holiday) -> Mon 4 Jan; silence -> acceptance; transfer Sun 4 Jul -> Mon 5 Jul 2027",
   dict(base(family=FR_SIB), applicant=UAM), [tc("2026-12-01", "DE", "FR")], "2027-01-05",
   {"take_charge_reply": ("2027-01-04", "lapsed"), "transfer": ("2027-07-05", "running"), "responsible": "FR", "flags": "uam_late_request"},
   "Art. 39(1) 4th subpara 'notwithstanding the expiry of the time limits'")
sc("S37", "suspension requested 25 Oct 2026, refused only 1 May 2027, after the six months from acceptance (12 Apr 2027)",
   base(family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("transfer_decision_notified", "2026-10-20", by="DE", to="FR"),
                            ev("suspension_requested", "2026-10-25"), ev("suspension_decided", "2027-05-01", outcome="suspension_refused")], "2027-05-02",
   {"transfer": ("AMBIGUOUS: 2027-04-12 lapsed (acceptance reading) or 2027-11-01 (refusal reading)", "?")},
   "Art. 43(3) 'suspending the transfer until the decision on the first suspension request is taken' vs Art. 46(1)")
sc("S38", "take back: IT demonstrates non-responsibility (rejection) on day 10 -> not confirmed; no transfer limit",
   base(date="2026-11-10"), [hit("2026-11-12", "DE", "IT", "application"), tb("2026-11-24", "DE", "IT"), rep("2026-12-04", "IT", "DE", "rejected")], "2026-12-10",
   {"take_back_confirmation": ("2026-12-09", "met"), "transfer": "absent", "responsible": "DE (or open)"},
   "Art. 41(3) 'unless the notified Member State demonstrates within that time limit that it is not responsible'")
sc("S39", "Dublin III take back request without a hit: reg DE 10 Jun 2026, request 20 Jun -> reply one month Mon 20 Jul 2026",
   base(date="2026-06-10"), [tb("2026-06-20", "DE", "IT")], "2026-07-21",
   {"take_back_confirmation": ("2026-07-20", "lapsed"), "responsible": "IT"},
   "Dublin III Art. 25(1) 'as quickly as possible and in any event no later than one month'")
sc("S40", "appeal with suspensive effect; transfer decision annulled 19 Jan 2027",
   base(family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-12", "FR", "DE"), ev("transfer_decision_notified", "2026-10-20", by="DE", to="FR"),
                            ev("appeal_lodged", "2026-10-25", suspensive=True), ev("appeal_decided", "2027-01-19", outcome="transfer_annulled")], "2027-01-20",
   {"transfer": "not running (no transfer decision)", "responsible": "open/DE"}, "Art. 43(1)")
sc("S41", "Eurodac SAR hit (Art. 24): hit 16 Sep, request 1 Oct -> reply two weeks Thu 15 Oct",
   base(entries=[{"kind": "sar_disembarkation", "member_state": "IT", "date": "2026-06-01"}]), [hit("2026-09-16", "DE", "IT", "sar_disembarkation"), tc("2026-10-01", "DE", "IT")], "2026-10-02",
   {"take_charge_request": ("2026-10-16", "met"), "take_charge_reply": ("2026-10-15", "running")}, "Art. 39(1) 2nd subpara, Art. 40(2)")
sc("S42", "request last day on an IT (requested) holiday but not DE (requesting): reg 8 Oct 2026 -> Tue 8 Dec 2026; request 9 Dec late",
   base(date="2026-10-08", entries=IT_ENTRY), [tc("2026-12-09", "DE", "IT")], "2026-12-10",
   {"take_charge_request": ("2026-12-08", "lapsed"), "responsible": "DE"},
   "Art. 75(d) 'official holidays in the Member State concerned' - the requesting State DE must act")
sc("S43", "transfer last day Wed 14 Jul 2027 - FR (receiving) holiday, not DE: acceptance Thu 14 Jan 2027; transfer 15 Jul late",
   base(date="2026-12-01", family=FR_SPOUSE), [tc("2026-12-20", "DE", "FR"), rep("2027-01-14", "FR", "DE"), ev("transfer_decision_notified", "2027-01-20", by="DE", to="FR")], "2027-07-15",
   {"transfer": ("2027-07-14", "lapsed"), "responsible": "DE"},
   "Art. 46(1) the transferring State must carry out the transfer; holidays of DE")
# ---- third batch ----
sc("S44", "Dublin III take back request late: hit 12 Jun 2026 -> two months Wed 12 Aug; request 14 Aug -> responsibility with DE (new application)",
   base(date="2026-06-10"), [hit("2026-06-12", "DE", "IT", "application"), tb("2026-08-14", "DE", "IT")], "2026-08-15",
   {"take_back_notification": ("2026-08-12", "lapsed"), "responsible": "DE", "shift": ("IT", "DE", "2026-08-13")},
   "Dublin III Art. 23(3) 'Where the take back request is not made within the periods laid down in paragraph 2, responsibility ... shall lie with the Member State in which the new application was lodged'")
sc("S45", "Dublin III Mengesteab: lodged 10 Jun 2026, hit 20 Aug, request 15 Oct (within 2 months of hit, >3 months after lodging 10 Sep) -> late",
   base(date="2026-06-10", entries=GR_ENTRY), [hit("2026-08-20", "DE", "GR", "irregular_crossing"), tc("2026-10-15", "DE", "GR")], "2026-10-16",
   {"take_charge_request": ("2026-09-10", "lapsed"), "responsible": "DE"},
   "Dublin III Art. 21(1); CJEU C-670/16 Mengesteab, operative part: 'a take charge request cannot validly be made more than three months after the application ... has been lodged, even if that request is made within two months of receipt of a Eurodac hit'")
sc("S46", "Dublin III take back request without Eurodac: lodged 10 Jun 2026 -> 3 months Thu 10 Sep; request 15 Sep late -> DE",
   base(date="2026-06-10"), [tb("2026-09-15", "DE", "IT")], "2026-09-16",
   {"take_back_notification": ("2026-09-10", "lapsed"), "responsible": "DE"},
   "Dublin III Art. 23(2)-(3) three months from lodging where not based on Eurodac data; late -> Member State of the new application")
sc("S49", "transfer carried out 2 Mar 2027 after the limit (1 Mar 2027) with no extension - refused",
   base(date="2026-07-15", family=FR_SPOUSE), [tc("2026-08-10", "DE", "FR"), rep("2026-08-31", "FR", "DE"), ev("transfer_decision_notified", "2026-09-07", by="DE", to="FR"), ev("transfer_carried_out", "2027-03-02", by="DE", to="FR")], "2027-03-05",
   {"error": "transfer after the time limit"}, "Art. 46(1)-(2)")
sc("S50", "transfer carried out on the last day Mon 1 Mar 2027 - met; FR responsible",
   base(date="2026-07-15", family=FR_SPOUSE), [tc("2026-08-10", "DE", "FR"), rep("2026-08-31", "FR", "DE"), ev("transfer_decision_notified", "2026-09-07", by="DE", to="FR"), ev("transfer_carried_out", "2027-03-01", by="DE", to="FR")], "2027-03-05",
   {"transfer": ("2027-03-01", "met"), "responsible": "FR"}, "Art. 46(1)")
sc("S47", "AMMR re-examination: FR rejects 20 Oct 2026, DE asks re-examination 25 Nov (>3 weeks), FR silent to 20 Dec",
   base(family=FR_SPOUSE), [tc("2026-09-20", "DE", "FR"), rep("2026-10-20", "FR", "DE", "rejected"), ev("re_examination_request", "2026-11-25", by="DE", to="FR")], "2026-12-20",
   {"note": "AMMR silent; Reg. 1560/2003 Art. 5(2) stays in force (AMMR Art. 83): request within three weeks of the negative reply (here late: 10 Nov), reply 'endeavour' two weeks; silence is NOT acceptance (X and X, C-47/17) -> DE"},
   "AMMR Art. 83 'Regulation (EC) No 1560/2003 shall remain in force'")
sc("S48", "Dublin III re-examination: reg 10 Jun 2026, FR rejects 20 Jul, DE asks re-examination 30 Jul, FR silent -> re-exam ends after two weeks; DE responsible",
   base(date="2026-06-10", family=FR_SPOUSE), [tc("2026-06-20", "DE", "FR"), rep("2026-07-20", "FR", "DE", "rejected"), ev("re_examination_request", "2026-07-30", by="DE", to="FR")], "2026-09-01",
   {"responsible": "DE", "note": "C-47/17 X and X: no reply within 2 weeks ends the re-examination; requesting MS responsible unless time remains under Art. 21(1)"},
   "Reg. 1560/2003 Art. 5(2)")
