"""Department submissions (材料报送): texts and images each 二级学院 owes the 宣传统战部."""
