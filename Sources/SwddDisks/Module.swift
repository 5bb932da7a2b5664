// SwddDisks: module under construction in this session; see DESIGN §2.
